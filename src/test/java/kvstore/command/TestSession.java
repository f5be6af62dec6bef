package kvstore.command;

/** A connection's state without a connection, for running commands in-process. */
final class TestSession implements Session {
    private final Transaction transaction = new Transaction();
    private final Subscriptions subscriptions = new Subscriptions();

    @Override
    public Subscriptions subscriptions() {
        return subscriptions;
    }
    private int db;
    private int protocol = 2;

    @Override
    public long id() {
        return 1;
    }

    @Override
    public String address() {
        return "127.0.0.1:1";
    }

    @Override
    public int db() {
        return db;
    }

    @Override
    public void selectDb(int db) {
        this.db = db;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    @Override
    public void setProtocol(int protocol) {
        this.protocol = protocol;
    }

    @Override
    public boolean authenticated() {
        return true;
    }

    @Override
    public void setAuthenticated(boolean authenticated) {
    }

    @Override
    public String name() {
        return null;
    }

    @Override
    public void setName(String name) {
    }

    @Override
    public void setLibInfo(String libName, String libVersion) {
    }

    @Override
    public void closeAfterReply() {
    }

    @Override
    public void startMonitoring() {
    }

    @Override
    public void setLastCommand(String name) {
    }

    @Override
    public Transaction transaction() {
        return transaction;
    }

    @Override
    public void reset() {
        transaction.discard();
        db = 0;
        protocol = 2;
    }
}
