package kvstore.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import kvstore.command.CommandDispatcher;
import kvstore.command.CommandFlag;
import kvstore.command.CommandListener;
import kvstore.command.CommandSpec;
import kvstore.command.ServerControl;
import kvstore.command.Session;
import kvstore.config.Config;
import kvstore.metrics.ServerStats;
import kvstore.resp.Resp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client-facing network server: accepts connections on the configured addresses, applies the
 * connection-level rules (maxclients, protected mode, idle timeout) and gives each connection a
 * decoder and a handler. It implements the {@link ServerControl} view that server commands use.
 */
public final class KvServer implements ServerControl, CommandListener {
    private static final Logger log = LoggerFactory.getLogger(KvServer.class);

    static final String DENIED = "-DENIED Redis is running in protected mode because protected mode is enabled and "
            + "no password is set for the default user. In this mode connections are only accepted from the loopback "
            + "interface. If you want to connect from external computers to Redis you may adopt one of the following "
            + "solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the "
            + "loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE "
            + "Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change "
            + "permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration "
            + "file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started "
            + "the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an "
            + "authentication password for the default user. NOTE: You only need to do one of the above things in "
            + "order for the server to start accepting connections from the outside.\r\n";

    private final Config config;
    private final CommandDispatcher dispatcher;
    private final ServerStats stats;
    private final Runnable onShutdown;
    private final ClientRegistry registry = new ClientRegistry();
    private final ServerLimits limits;
    private final List<Channel> listeners = new ArrayList<>();
    private EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private int boundPort;
    private volatile String transport = "nio";
    /** Where commands run: null runs them inline on the event loop (single node). */
    private volatile java.util.concurrent.Executor commandExecutor;

    /**
     * A server whose client connections live on {@code eventLoops} (from {@link #newEventLoops}), which
     * the caller owns and shuts down after {@link #stop}. {@code onShutdown} runs (on its own thread)
     * when a client asks for SHUTDOWN.
     */
    public KvServer(Config config, CommandDispatcher dispatcher, ServerStats stats, Runnable onShutdown,
                    EventLoopGroup eventLoops) {
        this.config = config;
        this.workerGroup = eventLoops;
        this.dispatcher = dispatcher;
        this.stats = stats;
        this.onShutdown = onShutdown;
        this.limits = new ServerLimits(config);
        dispatcher.setListener(this);
    }

    /**
     * Runs every client command on {@code executor} instead of the event loop, in order per connection
     * (a ring: commands wait for peers). Null (the default) runs them inline. Call before {@link #start}.
     */
    public void setCommandExecutor(java.util.concurrent.Executor executor) {
        this.commandExecutor = executor;
    }

    /**
     * The node's I/O event loops: {@code threads} of them (io-threads), epoll where the platform has it.
     * Client connections and peer connections share them, so that a command's replica requests and
     * their answers need no hand-off between threads (on a ring at -P 1 those hand-offs, a wake-up of
     * another thread per request and per answer, cost about a third of the throughput).
     */
    public static EventLoopGroup newEventLoops(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory("kvstore-io"),
                ioHandlers());
    }

    /** Epoll I/O where the platform has it, NIO otherwise. */
    private static IoHandlerFactory ioHandlers() {
        return Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public void start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        transport = epoll ? "epoll" : "nio";
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        bossGroup = new MultiThreadIoEventLoopGroup(1, ioHandlers());
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, config.getInt("tcp-backlog"))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a client that stops sending still gets the replies to what it sent (ClientHandler)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.SO_KEEPALIVE, config.getInt("tcp-keepalive") > 0)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        int port = config.getInt("port");
        for (String address : config.get("bind").split(" ")) {
            boolean optional = address.startsWith("-");
            String host = optional ? address.substring(1) : address;
            try {
                Channel ch = b.bind(host.equals("*") ? new InetSocketAddress(port) : new InetSocketAddress(host, port))
                        .sync().channel();
                listeners.add(ch);
                boundPort = ((InetSocketAddress) ch.localAddress()).getPort();
                port = boundPort;
            } catch (Exception e) {
                if (!optional) {
                    stop();
                    throw new IllegalStateException("Could not create server TCP listening socket " + host + ":" + port
                            + ": " + e.getMessage(), e);
                }
                log.debug("optional bind address {} unavailable: {}", host, e.getMessage());
            }
        }
        workerGroup.scheduleAtFixedRate(stats::sample, 100, 100, TimeUnit.MILLISECONDS);
        workerGroup.scheduleAtFixedRate(this::closeIdleClients, 1, 1, TimeUnit.SECONDS);
        log.info("Ready to accept connections tcp on port {} ({} transport, {} io threads)", boundPort,
                epoll ? "epoll" : "nio", config.getInt("io-threads"));
    }

    private void accept(SocketChannel ch) {
        stats.connectionReceived();
        if (registry.size() >= config.getInt("maxclients")) {
            stats.connectionRejected();
            ch.writeAndFlush(Unpooled.wrappedBuffer(Resp.ascii("-ERR max number of clients reached\r\n")))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (config.getBool("protected-mode") && config.get("requirepass").isEmpty() && !isLoopback(ch)) {
            stats.connectionRejected();
            ch.writeAndFlush(Unpooled.wrappedBuffer(Resp.ascii(DENIED))).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ClientConnection client = new ClientConnection(registry.newId(), ch, config);
        registry.add(client);
        ch.pipeline().addLast("decoder", new RespRequestDecoder(limits, client, stats));
        ch.pipeline().addLast("handler", new ClientHandler(client, dispatcher, registry, stats, commandExecutor));
        // Redis gives a new connection the default user's state now: authenticated if no password is set
        client.setAuthenticated(config.get("requirepass").isEmpty());
    }

    private static boolean isLoopback(SocketChannel ch) {
        InetAddress a = ch.remoteAddress() == null ? null : ch.remoteAddress().getAddress();
        return a != null && a.isLoopbackAddress();
    }

    private void closeIdleClients() {
        long timeout = config.getLong("timeout") * 1000;
        if (timeout <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (ClientConnection c : registry.all()) {
            if (!c.isMonitor() && c.idleMillis(now) > timeout) {
                log.debug("Closing idle client {}", c.address());
                c.channel().close();
            }
        }
    }

    /** The port actually bound (differs from the configured one when that is 0). */
    @Override
    public int tcpPort() {
        return boundPort;
    }

    @Override
    public int connectedClients() {
        return registry.size();
    }

    @Override
    public List<Client> clients() {
        List<Client> out = new ArrayList<>();
        for (ClientConnection c : registry.all()) {
            out.add(c.snapshot());
        }
        return out;
    }

    @Override
    public Client client(long id) {
        ClientConnection c = registry.get(id);
        return c == null ? null : c.snapshot();
    }

    @Override
    public String clientInfo(Session session) {
        return ((ClientConnection) session).info();
    }

    @Override
    public boolean killClient(long id, Session current) {
        ClientConnection c = registry.get(id);
        if (c == null) {
            return false;
        }
        c.closeAfterReply();
        if (c != current) {
            c.channel().eventLoop().execute(() -> c.channel().close());
        }
        return true;
    }

    @Override
    public boolean unblockClient(long id, kvstore.resp.Reply reply) {
        ClientConnection c = registry.get(id);
        return c != null && c.unblocker.test(reply);
    }

    @Override
    public void shutdown() {
        Thread t = new Thread(onShutdown, "kvstore-shutdown");
        t.start();
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public int ioThreads() {
        return config.getInt("io-threads");
    }

    @Override
    public int monitors() {
        return registry.monitors().size();
    }

    /**
     * Notes a command for the monitors (fed after it runs, as Redis does, so the db and redactions
     * are those after execution) and counts writes for INFO persistence.
     */
    @Override
    public void commandRan(Session session, CommandSpec spec, byte[][] argv) {
        if (spec.has(CommandFlag.WRITE)) {
            stats.dirty();
        }
        if (registry.monitors().isEmpty() || spec.has(CommandFlag.SKIP_MONITOR) || spec.has(CommandFlag.ADMIN)) {
            return;
        }
        ClientConnection c = (ClientConnection) session;
        if (c.monitored == null) {
            c.monitored = new java.util.ArrayList<>(1);
        }
        c.monitored.add(argv);
    }

    /** Closes the listening sockets and all client connections (the event loops are the caller's to stop). */
    public void stop() {
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        listeners.clear();
        for (ClientConnection c : registry.all()) {
            c.channel().close();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
