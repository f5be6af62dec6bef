package kvstore.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;
import kvstore.command.Session;
import kvstore.config.Config;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The state of one client connection: what {@link Session} exposes to commands, plus what the
 * server needs to list, time out and kill it. Only its channel's event loop changes it, except for
 * the fields read by CLIENT LIST, which are volatile.
 */
final class ClientConnection implements Session {
    private final long id;
    private final Channel channel;
    private final Config config;
    private final long createdMillis = System.currentTimeMillis();
    private final String address;
    private final String localAddress;

    private volatile int db;
    private volatile int protocol = 2;
    private volatile boolean authenticatedFlag;
    private volatile String name;
    private volatile String libName = "";
    private volatile String libVersion = "";
    private volatile String lastCommand = "NULL";
    private volatile long lastInteractionMillis = createdMillis;
    private volatile boolean monitor;
    private volatile boolean closeAfterReply;
    private volatile int readQuorum;
    private volatile int writeQuorum;
    private final kvstore.command.Transaction transaction = new kvstore.command.Transaction();
    private final kvstore.command.Subscriptions subscriptions = new kvstore.command.Subscriptions();
    /** CLIENT REPLY state; only the connection's own commands touch it, one at a time. */
    private boolean repliesOff;
    private boolean skipThis;
    private boolean skipNext;

    /** The requests to show the monitors once they have run (EXEC's come before EXEC); set only while someone monitors. */
    java.util.List<byte[][]> monitored;
    /** Answers the blocked command with a reply now (CLIENT UNBLOCK); false if none is blocked. Set by the handler. */
    volatile java.util.function.Predicate<kvstore.resp.Reply> unblocker = r -> false;
    /** True while this connection is in the registry's monitor list. */
    boolean registeredMonitor;

    /** Bytes of the current read still in the query buffer (CLIENT LIST's qbuf). */
    volatile int queryBufferBytes;

    /** Replies accumulated during one read burst, flushed when the burst ends. */
    ByteBuf pending;

    ClientConnection(long id, Channel channel, Config config) {
        this.id = id;
        this.channel = channel;
        this.config = config;
        this.address = format(channel.remoteAddress());
        this.localAddress = format(channel.localAddress());
    }

    private static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
            return host + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    Channel channel() {
        return channel;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String address() {
        return address;
    }

    String localAddress() {
        return localAddress;
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
        return authenticatedFlag || config.get("requirepass").isEmpty();
    }

    @Override
    public void setAuthenticated(boolean authenticated) {
        this.authenticatedFlag = authenticated;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public void setLibInfo(String libName, String libVersion) {
        if (libName != null) {
            this.libName = libName;
        }
        if (libVersion != null) {
            this.libVersion = libVersion;
        }
    }

    @Override
    public void closeAfterReply() {
        closeAfterReply = true;
    }

    boolean closingAfterReply() {
        return closeAfterReply;
    }

    @Override
    public void startMonitoring() {
        monitor = true;
    }

    boolean isMonitor() {
        return monitor;
    }

    @Override
    public void setLastCommand(String name) {
        this.lastCommand = name;
    }

    /** The client was heard from: called once per read (as Redis updates lastinteraction), not per command. */
    void touch() {
        lastInteractionMillis = System.currentTimeMillis();
    }

    long idleMillis(long now) {
        return now - lastInteractionMillis;
    }

    @Override
    public int readQuorum() {
        return readQuorum;
    }

    @Override
    public int writeQuorum() {
        return writeQuorum;
    }

    @Override
    public void setQuorums(int r, int w) {
        readQuorum = r;
        writeQuorum = w;
    }

    @Override
    public void replyMode(int mode) {
        switch (mode) {
            case 0 -> {
                repliesOff = false;
                skipThis = false;
                skipNext = false;
            }
            case 1 -> repliesOff = true;
            default -> skipNext = !repliesOff;
        }
    }

    @Override
    public boolean dropReply() {
        boolean drop = repliesOff || skipThis;
        skipThis = skipNext;
        skipNext = false;
        return drop;
    }

    @Override
    public kvstore.command.Subscriptions subscriptions() {
        return subscriptions;
    }

    @Override
    public kvstore.command.Transaction transaction() {
        return transaction;
    }

    @Override
    public void reset() {
        transaction.discard();
        subscriptions.clear();
        readQuorum = 0;
        writeQuorum = 0;
        db = 0;
        protocol = 2;
        name = null;
        authenticatedFlag = config.get("requirepass").isEmpty();
        monitor = false;
    }

    kvstore.command.ServerControl.Client snapshot() {
        return new kvstore.command.ServerControl.Client(id, address, localAddress, createdMillis, info());
    }

    /** The CLIENT LIST / CLIENT INFO line of this connection, as Redis 7 formats it. */
    String info() {
        long now = System.currentTimeMillis();
        int multi = transaction.multiField();
        int[] subs = subscriptions.counts();
        String flags = (monitor ? "O" : "") + (subs[0] + subs[1] + subs[2] > 0 ? "P" : "") + (multi >= 0 ? "x" : "");
        flags = flags.isEmpty() ? "N" : flags;
        return "id=" + id
                + " addr=" + address
                + " laddr=" + localAddress
                + " fd=" + fd()
                + " name=" + (name == null ? "" : name)
                + " age=" + (now - createdMillis) / 1000
                + " idle=" + idleMillis(now) / 1000
                + " flags=" + flags
                + " db=" + db
                + " sub=" + subs[0] + " psub=" + subs[1] + " ssub=" + subs[2] + " multi=" + multi
                + " qbuf=" + queryBufferBytes + " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0"
                + " obl=0 oll=0 omem=0 tot-mem=0 events=r"
                + " cmd=" + lastCommand
                + " user=default redir=-1 resp=" + protocol
                + " lib-name=" + libName
                + " lib-ver=" + libVersion;
    }

    private int fd() {
        return channel instanceof UnixChannel u ? u.fd().intValue() : -1;
    }
}
