package kvstore.command;

/**
 * The per-connection state a command may read or change: the selected database, the protocol,
 * authentication and the client's name. The server implements it for each connection.
 */
public interface Session {
    long id();

    /** "ip:port" of the peer. */
    String address();

    int db();

    void selectDb(int db);

    /** 2 or 3. */
    int protocol();

    void setProtocol(int protocol);

    boolean authenticated();

    void setAuthenticated(boolean authenticated);

    /** The name given by CLIENT SETNAME or HELLO SETNAME; null if none. */
    String name();

    void setName(String name);

    void setLibInfo(String libName, String libVersion);

    /** Closes the connection once the reply to the current command has been written (QUIT). */
    void closeAfterReply();

    /** Makes this connection receive every later command of every client (MONITOR). */
    void startMonitoring();

    /** Records the command being run, for CLIENT LIST's cmd= field. */
    void setLastCommand(String name);

    /** The read quorum R set by CONSISTENCY for this connection; 0 for the cluster default. */
    default int readQuorum() {
        return 0;
    }

    /** The write quorum W set by CONSISTENCY for this connection; 0 for the cluster default. */
    default int writeQuorum() {
        return 0;
    }

    /** Sets the connection's quorums (0: the cluster default). */
    default void setQuorums(int r, int w) {
        throw new UnsupportedOperationException("this session has no quorums");
    }

    /** CLIENT REPLY ON (0), OFF (1) or SKIP (2): whether replies are sent. */
    default void replyMode(int mode) {
        throw new UnsupportedOperationException("this session always replies");
    }

    /**
     * Called once per command with its reply: true if the reply is to be dropped (CLIENT REPLY OFF, or
     * the command after CLIENT REPLY SKIP). Moves a SKIP on to the next command.
     */
    default boolean dropReply() {
        return false;
    }

    /** The connection's Pub/Sub subscriptions. */
    Subscriptions subscriptions();

    /** The connection's MULTI state and WATCHed keys. */
    Transaction transaction();

    /**
     * Resets to a fresh connection's state (RESET): db 0, RESP2, no name, no transaction and no watched
     * key, no subscription, not authenticated if a password is set.
     */
    void reset();
}
