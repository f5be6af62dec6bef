package kvstore.command;

import java.util.List;

/**
 * What server-level commands (CLIENT, INFO, SHUTDOWN, ...) may ask of the network server that runs
 * them. The server package implements it; commands never see Netty.
 */
public interface ServerControl {
    /** A snapshot of one connection: what CLIENT KILL filters on, and its CLIENT LIST line. */
    record Client(long id, String address, String localAddress, long createdMillis, String infoLine) {
    }

    /** The port clients connect to. */
    int tcpPort();

    int connectedClients();

    /** Every connection, in connection (id) order. */
    List<Client> clients();

    /** The connection with {@code id}, or null. */
    Client client(long id);

    /** The CLIENT INFO line of {@code session}. */
    String clientInfo(Session session);

    /**
     * Closes the connection with {@code id}: at once, or, when it is {@code current} (the client
     * running the command), after its reply is written. False if there is no such connection.
     */
    boolean killClient(long id, Session current);

    /**
     * Answers the command the connection {@code id} is blocked in (BLPOP, ...) with {@code reply} at
     * once; false if there is no such connection or it is not blocked.
     */
    boolean unblockClient(long id, kvstore.resp.Reply reply);

    /** Stops accepting work and exits the process once the current replies are written. */
    void shutdown();

    /** "epoll" or "nio". */
    String transport();

    int ioThreads();

    /** Connections currently in MONITOR mode. */
    int monitors();
}
