package kvstore.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node's end of the peer bus: listens on its own port, keeps one authenticated, multiplexed
 * connection per peer (dialled lazily, re-dialled with bounded, jittered exponential backoff when
 * it drops), sends requests and one-way messages, and serves incoming ones with the registered
 * {@link RequestHandler}s.
 *
 * <p>Futures returned by {@link #request} complete on an event loop thread: dependent stages must
 * not block (use the async variants with an executor for blocking follow-up work). A request fails
 * with {@link java.util.concurrent.TimeoutException} when its timeout passes, with
 * {@link PeerUnavailableException} when the peer is unknown, unreachable, or the connection is lost
 * while it is in flight, and with {@link RemotePeerException} when the peer's handler failed.
 */
public final class PeerTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);

    private final TransportConfig config;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final Map<Integer, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final FaultInjector faults;
    private final Map<String, List<Runnable>> heldUntilHealed = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final ChannelGroup channels = new DefaultChannelGroup("peers", GlobalEventExecutor.INSTANCE);
    private final ExecutorService blocking;
    private volatile Runnable afterBatch = () -> { };
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    /** True when the event loops are the caller's ({@link #start(EventLoopGroup)}): closing leaves them running. */
    private boolean sharedLoops;
    private Bootstrap dialer;
    private Channel listener;
    private volatile boolean running;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public PeerTransport(TransportConfig config) {
        this.config = config;
        this.faults = new FaultInjector(this::healed);
        AtomicInteger n = new AtomicInteger();
        this.blocking = new ThreadPoolExecutor(config.blockingThreads, config.blockingThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "peer-handler-" + config.nodeName + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ((ThreadPoolExecutor) blocking).allowCoreThreadTimeOut(true);
    }

    /** Starts on event loops of its own ({@link TransportConfig#ioThreads} of them), stopped by {@link #close}. */
    public PeerTransport start() throws InterruptedException {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("peer-accept-" + config.nodeName), io);
        workerGroup = new MultiThreadIoEventLoopGroup(config.ioThreads,
                new DefaultThreadFactory("peer-io-" + config.nodeName), io);
        return listen();
    }

    /**
     * Starts on {@code eventLoops}, which the caller owns (a node's, shared with its client connections:
     * epoll ones where {@link Epoll#isAvailable()}, NIO ones otherwise) and stops after {@link #close}.
     */
    public PeerTransport start(EventLoopGroup eventLoops) throws InterruptedException {
        workerGroup = eventLoops;
        sharedLoops = true;
        return listen();
    }

    private PeerTransport listen() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        Class<? extends ServerChannel> serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup == null ? workerGroup : bossGroup, workerGroup)
                .channel(serverType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, FrameSizeEstimator.INSTANCE)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline(ch, null);
                    }
                });
        dialer = new Bootstrap()
                .group(workerGroup)
                .channel(clientType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
                .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, FrameSizeEstimator.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout.toMillis());
        running = true;
        try {
            InetSocketAddress at = config.bindHost == null ? new InetSocketAddress(config.port)
                    : new InetSocketAddress(config.bindHost, config.port);
            listener = b.bind(at).sync().channel();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Could not listen for peers on "
                    + (config.bindHost == null ? "*" : config.bindHost) + ":" + config.port
                    + ": " + e.getMessage(), e);
        }
        log.info("Node {} listening for peers on port {} ({})", config.nodeName, port(), epoll ? "epoll" : "nio");
        return this;
    }

    private WriteBufferWaterMark waterMark() {
        int high = (int) Math.min(Integer.MAX_VALUE, config.maxQueuedBytes);
        return new WriteBufferWaterMark(high / 2, high);
    }

    private void pipeline(Channel ch, PeerLink dialLink) {
        channels.add(ch);
        FrameCodec codec = new FrameCodec();
        ch.pipeline().addLast("codec", codec);
        ch.pipeline().addLast("peer", new PeerChannelHandler(this, codec, dialLink));
    }

    /** The bus port actually bound. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public String nodeName() {
        return config.nodeName;
    }

    public FaultInjector faults() {
        return faults;
    }

    /**
     * Sets the peers by node name. New peers are dialled when first used; peers whose address
     * changed are reconnected; peers no longer listed are disconnected and their requests failed.
     * A node that dials in without being listed is still served while its connection lasts.
     */
    public void setPeers(Map<String, InetSocketAddress> peers) {
        for (Map.Entry<String, InetSocketAddress> e : peers.entrySet()) {
            if (e.getKey().equals(config.nodeName)) {
                continue;
            }
            linkFor(e.getKey()).setAddress(e.getValue());
        }
        for (PeerLink link : links.values()) {
            if (!peers.containsKey(link.name) && link.address() != null) {
                links.remove(link.name, link);
                link.remove("no longer a peer");
            }
        }
    }

    /** Registers the handler of one message type (replacing any earlier one). */
    public void register(int messageType, RequestHandler handler) {
        handlers.put(messageType, handler);
    }

    /**
     * Sends a request to {@code peer}, dialling it first if needed, and completes with the bytes its
     * handler for {@code messageType} returned. The payload array is sent without copying: do not
     * change it afterwards. See the class comment for how it fails.
     */
    public CompletableFuture<byte[]> request(String peer, int messageType, byte[] payload, Duration timeout) {
        return request(peer, messageType, payload, timeout, null, null);
    }

    /**
     * As {@link #request(String, int, byte[], Duration)}; if the request went out on a connection and
     * no answer has come after {@code slowAfter}, {@code onSlow} runs once (on an event loop: it must
     * not block) while the request goes on waiting, so that a caller can hedge by asking elsewhere.
     */
    public CompletableFuture<byte[]> request(String peer, int messageType, byte[] payload, Duration timeout,
                                             Duration slowAfter, Runnable onSlow) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        if (payload.length > config.maxFrameSize - FrameCodec.HEADER_AFTER_LENGTH - 4) {
            f.completeExceptionally(new IllegalArgumentException("payload of " + payload.length
                    + " bytes exceeds the maximum frame size " + config.maxFrameSize));
            return f;
        }
        PeerLink link = links.get(peer);
        if (link == null || !running) {
            f.completeExceptionally(new PeerUnavailableException(peer, running ? "unknown peer" : "transport closed"));
            return f;
        }
        if (faults.dropped(peer)) {
            slowWithoutConnection(f, slowAfter, onSlow);
            return f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS); // the frame is lost in the partition
        }
        long id = ids.incrementAndGet();
        long now = System.nanoTime();
        long deadline = now + timeout.toNanos();
        long slowAt = onSlow == null ? deadline : now + slowAfter.toNanos();
        Thread caller = Thread.currentThread();
        boolean[] sentNow = {false};
        link.submit(new PeerLink.Waiter() {
            @Override
            public void ready(PeerConnection c) {
                if (!f.isDone()) {
                    c.request(id, messageType, payload, f, deadline, slowAt, onSlow); // the connection times it out
                    sentNow[0] = Thread.currentThread() == caller;
                }
            }

            @Override
            public void failed(Throwable cause) {
                f.completeExceptionally(cause);
            }
        });
        if (!sentNow[0]) {
            slowWithoutConnection(f, slowAfter, onSlow);
            f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS); // waiting for a connection, or on one already
        }
        return f;
    }

    /** A request not (yet) on a connection has no sweep to tell it is slow: a timer does. */
    private void slowWithoutConnection(CompletableFuture<byte[]> f, Duration slowAfter, Runnable onSlow) {
        if (onSlow != null && running) {
            ScheduledFuture<?> t = schedule(() -> {
                if (!f.isDone()) {
                    onSlow.run();
                }
            }, slowAfter.toNanos());
            f.whenComplete((r, e) -> t.cancel(false));
        }
    }

    /**
     * Sends a one-way message, best effort: it is dropped when the peer cannot be reached, is
     * overloaded, or the connection is lost before it is written. The payload is not copied.
     */
    public void send(String peer, int messageType, byte[] payload) {
        PeerLink link = links.get(peer);
        if (link == null || !running || faults.dropped(peer)
                || payload.length > config.maxFrameSize - FrameCodec.HEADER_AFTER_LENGTH - 4) {
            log.debug("Dropping one-way message {} to {}", messageType, peer);
            return;
        }
        link.submit(new PeerLink.Waiter() {
            @Override
            public void ready(PeerConnection c) {
                if (c.acceptsMore()) {
                    c.write(new Frame(FrameType.ONE_WAY, (byte) 0, 0, messageType, payload));
                } else {
                    log.debug("One-way message {} to {} dropped: {} bytes queued", messageType, peer, c.queuedBytes());
                }
            }

            @Override
            public void failed(Throwable cause) {
                log.debug("One-way message {} to {} not sent: {}", messageType, peer, cause.getMessage());
            }
        });
    }

    /** A snapshot per known peer, sorted by name. */
    public Map<String, PeerMetrics> metrics() {
        Map<String, PeerMetrics> out = new TreeMap<>();
        for (PeerLink link : links.values()) {
            out.put(link.name, link.metrics());
        }
        return out;
    }

    public PeerMetrics metrics(String peer) {
        PeerLink link = links.get(peer);
        return link == null ? null : link.metrics();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        for (PeerLink link : links.values()) {
            link.remove("transport closed");
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (workerGroup != null && !sharedLoops) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        blocking.shutdownNow();
    }

    // ---- package-private plumbing for links and handlers

    TransportConfig config() {
        return config;
    }

    byte[] secret() {
        return config.secret;
    }

    boolean running() {
        return running;
    }

    PeerLink linkFor(String name) {
        return links.computeIfAbsent(name, n -> new PeerLink(n, null, this));
    }

    void forget(PeerLink link) {
        links.remove(link.name, link);
    }

    void execute(Runnable r) {
        if (running) {
            try {
                workerGroup.execute(r);
                return;
            } catch (RejectedExecutionException e) {
                // shutting down: run in place so waiters still get their answer
            }
        }
        r.run();
    }

    ScheduledFuture<?> schedule(Runnable r, long delayNanos) {
        return workerGroup.schedule(r, delayNanos, TimeUnit.NANOSECONDS);
    }

    void dial(PeerLink link, InetSocketAddress to) {
        if (!running) {
            link.dialFailed(new PeerUnavailableException(link.name, "transport closed"));
            return;
        }
        Bootstrap b = dialer.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                pipeline(ch, link);
            }
        });
        b.connect(to).addListener(f -> {
            if (!f.isSuccess()) {
                link.dialFailed(new PeerUnavailableException(link.name, "connect to " + to + " failed: "
                        + f.cause().getMessage(), f.cause()));
            }
        });
    }

    private void healed(String peer) {
        resumeHeld(peer);
        PeerLink link = links.get(peer);
        if (link != null) {
            link.healed();
        }
    }

    /** Runs {@code resume} when the fault injected on {@code peer} heals (at once if it has already). */
    void holdUntilHealed(String peer, Runnable resume) {
        heldUntilHealed.computeIfAbsent(peer, p -> new CopyOnWriteArrayList<>()).add(resume);
        if (!faults.dropped(peer)) {
            resumeHeld(peer); // healed between the caller's check and now
        }
    }

    private void resumeHeld(String peer) {
        List<Runnable> held = heldUntilHealed.remove(peer);
        if (held != null) {
            held.forEach(Runnable::run);
        }
    }

    /** Logs a failed authentication at WARN once per (address, claimed name), later at DEBUG. */
    void authFailure(SocketAddress from, String peer, String what) {
        String host = from instanceof InetSocketAddress ? ((InetSocketAddress) from).getHostString() : String.valueOf(from);
        if (warned.add(host + "/" + peer)) {
            log.warn("Authentication with peer {} at {} failed: {}; connection refused (same cluster secret?)",
                    peer, from, what);
        } else {
            log.debug("Peer {} at {} {}", peer, from, what);
        }
    }

    void authSuccess(SocketAddress from, String peer) {
        if (!warned.isEmpty() && from instanceof InetSocketAddress) {
            warned.remove(((InetSocketAddress) from).getHostString() + "/" + peer);
        }
    }

    /** A frame on an authenticated connection, after the fault injector. */
    void dispatch(PeerConnection c, Frame f) {
        if (faults.any()) {
            if (faults.dropped(c.peer)) {
                return;
            }
            long delay = faults.delayNanos(c.peer);
            if (delay > 0) {
                c.channel.eventLoop().schedule(() -> {
                    dispatchNow(c, f);
                    endOfRead(c);
                }, delay, TimeUnit.NANOSECONDS);
                return;
            }
        }
        dispatchNow(c, f);
    }

    private void dispatchNow(PeerConnection c, Frame f) {
        switch (f.type()) {
            case REQUEST:
            case ONE_WAY:
                serve(c, f);
                break;
            case RESPONSE: {
                CompletableFuture<byte[]> p = c.answered(f.correlationId());
                if (p != null) {
                    p.complete(f.body());
                }
                break;
            }
            case ERROR: {
                CompletableFuture<byte[]> p = c.answered(f.correlationId());
                byte[] body = f.body();
                if (p != null) {
                    ErrorCode code = body.length > 0 ? ErrorCode.of(body[0]) : ErrorCode.UNKNOWN;
                    p.completeExceptionally(new RemotePeerException(c.peer, code, PeerChannelHandler.errorText(body)));
                }
                break;
            }
            case PING:
                c.write(Frame.of(FrameType.PONG, f.correlationId(), Frame.EMPTY));
                break;
            case PONG:
                break;
            default:
                log.warn("Closing connection to peer {}: unexpected {} frame", c.peer, f.type());
                c.close();
        }
    }

    private void serve(PeerConnection c, Frame f) {
        RequestHandler h = handlers.get(f.messageType());
        if (h == null) {
            if (f.type() == FrameType.REQUEST) {
                c.write(PeerChannelHandler.errorFrame(f.correlationId(), ErrorCode.NO_HANDLER,
                        "no handler for message type " + f.messageType()));
            }
            return;
        }
        if (h.batched()) {
            c.batchFrames.add(f);
            c.batchResults.add(run(c, f, h));
            return;
        }
        if (!h.mayBlock()) {
            invoke(c, f, h);
            return;
        }
        try {
            blocking.execute(() -> invoke(c, f, h));
        } catch (RejectedExecutionException e) {
            if (f.type() == FrameType.REQUEST) {
                c.write(PeerChannelHandler.errorFrame(f.correlationId(), ErrorCode.HANDLER_FAILED, "shutting down"));
            }
        }
    }

    /**
     * Event loop: the end of a read from {@code c}. Runs the {@link #afterBatch} hook once for the
     * batched requests served in it, then writes their responses.
     */
    void endOfRead(PeerConnection c) {
        if (c.batchFrames.isEmpty()) {
            return;
        }
        try {
            afterBatch.run();
        } catch (RuntimeException e) {
            log.warn("After a batch of peer requests: {}", e.toString());
            c.batchResults.replaceAll(r -> CompletableFuture.failedFuture(e)); // not acknowledged
        }
        for (int i = 0; i < c.batchFrames.size(); i++) {
            respond(c, c.batchFrames.get(i), c.batchResults.get(i));
        }
        c.batchFrames.clear();
        c.batchResults.clear();
    }

    /**
     * Runs after each batch of {@link RequestHandler#batched} requests, before their responses are
     * written: for example the commit log's write, so that an acknowledgement leaves only once the
     * data is in the OS.
     */
    public void afterBatch(Runnable hook) {
        this.afterBatch = hook;
    }

    private static CompletableFuture<byte[]> run(PeerConnection c, Frame f, RequestHandler h) {
        try {
            CompletableFuture<byte[]> result = h.handle(c.peer, f.body());
            return result != null ? result
                    : CompletableFuture.failedFuture(new NullPointerException("handler returned no future"));
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    private void invoke(PeerConnection c, Frame f, RequestHandler h) {
        respond(c, f, run(c, f, h));
    }

    /** Writes the response of {@code f} once {@code result} completes (nothing for a one-way message). */
    private void respond(PeerConnection c, Frame f, CompletableFuture<byte[]> result) {
        if (f.type() == FrameType.ONE_WAY) {
            result.whenComplete((r, e) -> {
                if (e != null) {
                    log.debug("One-way message {} from {} failed: {}", f.messageType(), c.peer, e.toString());
                }
            });
            return;
        }
        long id = f.correlationId();
        result.whenComplete((r, e) -> {
            if (e != null) {
                Throwable cause = unwrap(e);
                c.write(PeerChannelHandler.errorFrame(id, ErrorCode.HANDLER_FAILED,
                        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
            } else if (r != null && r.length > config.maxFrameSize - FrameCodec.HEADER_AFTER_LENGTH) {
                c.write(PeerChannelHandler.errorFrame(id, ErrorCode.HANDLER_FAILED,
                        "response of " + r.length + " bytes exceeds the maximum frame size"));
            } else {
                c.write(Frame.of(FrameType.RESPONSE, id, r == null ? Frame.EMPTY : r));
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    // ---- test hooks

    /** Handshakes from {@code peer} waiting for its fault to heal. */
    int heldHandshakes(String peer) {
        List<Runnable> held = heldUntilHealed.get(peer);
        return held == null ? 0 : held.size();
    }

    /** Open peer channels (dialled and accepted, authenticated or not). */
    int openChannels() {
        int n = 0;
        for (Channel ch : channels) {
            if (ch.isActive()) {
                n++;
            }
        }
        return n;
    }

    /** [local, remote] address of the connection in use to {@code peer}, or null. */
    InetSocketAddress[] endpoints(String peer) {
        PeerLink link = links.get(peer);
        PeerConnection c = link == null ? null : link.active();
        return c == null ? null : new InetSocketAddress[] {c.localAddress(), c.remoteAddress()};
    }

    Map<String, Boolean> dialledByUs() {
        Map<String, Boolean> out = new HashMap<>();
        for (PeerLink link : links.values()) {
            PeerConnection c = link.active();
            if (c != null) {
                out.put(link.name, c.dialledByUs);
            }
        }
        return out;
    }
}
