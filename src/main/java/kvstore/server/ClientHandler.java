package kvstore.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import kvstore.command.Blocked;
import kvstore.command.BlockingKeys;
import kvstore.command.CommandDispatcher;
import kvstore.command.PendingReply;
import kvstore.keyspace.Pace;
import kvstore.metrics.ServerStats;
import kvstore.resp.ErrorReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs each decoded request of one connection and writes its reply. Replies of one read burst (a
 * pipeline) are gathered in one buffer and flushed once: on a single node at the end of the event
 * loop's round, together with every other connection's ({@link ReplyRound}). While the client does
 * not read its replies, reading its requests pauses, so a slow reader cannot fill the server's memory.
 *
 * <p>With a command executor (a ring, where commands may wait for peers) a request runs on the event
 * loop if nothing of its connection waits for the worker and it needs no other node's answer to go on
 * ({@link Pace#NEVER_WAIT}); otherwise it is queued, and the connection's queue is drained by one
 * worker at a time, so commands of a connection run in order. Neither waits for a command's writes to
 * be acknowledged or for a GET's replicas to answer: such a reply is a {@link PendingReply}. Replies
 * go to {@link #outgoing} in order, after their writes reached the OS (at the end of the read, or
 * per worker batch); there a pending reply holds back the ones behind it until it completes, and a
 * flush is scheduled behind what was written. Without an executor (a single node) commands run inline.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

    private final ClientConnection client;
    private final CommandDispatcher dispatcher;
    private final ClientRegistry registry;
    private final ServerStats stats;
    private final Executor executor;
    private final BlockingKeys blocking;
    /** Event loop only: the command this connection is blocked in, or null; and what waits behind it. */
    /** Set and cleared on the event loop; read by {@link #unblock} from any thread. */
    private volatile BlockingKeys.Waiter waiter;
    private final ArrayDeque<Object> parked = new ArrayDeque<>();
    private ScheduledFuture<?> timeoutTask;
    /** Executor mode: the periodic retry of the blocked command. */
    private ScheduledFuture<?> retryTask;
    private static final long RETRY_MS = 20;
    /** Longer timeouts (over 30 years) are treated as forever: the event loop's timer cannot hold them. */
    private static final long MAX_TIMEOUT_MS = 1L << 40;
    /** Requests waiting for the worker (executor mode); guarded by itself. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private boolean draining;
    /**
     * Batches of replies the worker handed to the event loop that have not reached {@link #outgoing}
     * yet; guarded by {@link #queue}. While any is on its way a request may not run on the event loop,
     * or its reply would overtake them.
     */
    private int handedOver;
    /** Event loop only (executor mode): requests run here wrote what must reach the OS before replies leave. */
    private boolean writesBeforeReplies;
    /** Event loop only (executor mode): replies handed back, in order, and the pending one waited for. */
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private PendingReply awaited;
    /** Event loop only: a flush task is queued behind the replies handed back. */
    private boolean flushScheduled;
    private volatile boolean readPaused;
    /** Event loop only: this connection's replies wait for the end of the round (see {@link ReplyRound}). */
    private boolean inRound;
    /** Event loop only: a flush of delivered Pub/Sub messages is queued. */
    private boolean messageFlushScheduled;
    /** Unread bytes beyond which a subscriber is disconnected (Redis's client-output-buffer-limit pubsub). */
    private static final long PUBSUB_OUTPUT_LIMIT = 32L << 20;

    ClientHandler(ClientConnection client, CommandDispatcher dispatcher, ClientRegistry registry, ServerStats stats,
                  Executor executor) {
        this.client = client;
        this.dispatcher = dispatcher;
        this.registry = registry;
        this.stats = stats;
        this.executor = executor;
        this.blocking = dispatcher.blocking();
        client.unblocker = this::unblock;
        client.subscriptions().sink(this::deliver);
    }

    /**
     * Any thread: a Pub/Sub message for this connection. On its own event loop it joins the replies
     * being written (a client publishing to itself gets the message before PUBLISH's reply, as in
     * Redis); a flush follows unless a round of replies is under way. A subscriber that lets more
     * than {@link #PUBSUB_OUTPUT_LIMIT} bytes pile up unread is disconnected, as Redis's pubsub
     * output limit does.
     */
    private void deliver(Reply message) {
        ChannelHandlerContext ctx = client.channel().pipeline().context(this);
        if (ctx == null) {
            return;
        }
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> deliver(message));
            return;
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        io.netty.channel.ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
        if (ob != null && ob.totalPendingWriteBytes() > PUBSUB_OUTPUT_LIMIT) {
            ctx.close();
            return;
        }
        if (executor != null) {
            outgoing.add(new Outgoing(message, null, false));
            writeReady(ctx);
            return;
        }
        write(ctx, message);
        if (!inRound && !messageFlushScheduled) {
            messageFlushScheduled = true;
            ctx.executor().execute(() -> {
                messageFlushScheduled = false;
                flush(ctx);
            });
        }
    }

    /**
     * Any thread (CLIENT UNBLOCK): answers this connection's blocked command with {@code reply} as if
     * its timeout had come; false if it is not blocked.
     */
    private boolean unblock(Reply reply) {
        BlockingKeys.Waiter w = waiter;
        if (w == null || !w.claim()) {
            return false;
        }
        blocking.unblock(w);
        ChannelHandlerContext ctx = client.channel().pipeline().context(this);
        if (ctx != null) {
            ctx.executor().execute(() -> resume(ctx, reply));
        }
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (client.closingAfterReply()) {
            return;
        }
        if (executor != null) {
            if (!runHere(ctx, msg)) {
                enqueue(ctx, msg);
            }
            return;
        }
        if (waiter != null) {
            park(ctx, msg);
            return;
        }
        handle(ctx, msg);
        if (client.closingAfterReply()) {
            dispatcher.endOfBatch();
            flush(ctx).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Runs one request inline (single node); a blocking command that must wait parks the connection. */
    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof byte[][] argv) {
            Reply reply = dispatcher.dispatch(client, argv);
            if (reply instanceof Blocked b) {
                afterCommand(ctx, client.monitored);
                client.monitored = null;
                block(ctx, argv, b);
                return;
            }
            write(ctx, reply);
            afterCommand(ctx, client.monitored);
            client.monitored = null;
            if (blocking.active()) {
                blocking.serveReady(dispatcher); // clients woken by this command are served before our next one
            }
        } else if (msg instanceof ProtocolError e) {
            write(ctx, ErrorReply.err(e.message()));
            client.closeAfterReply();
        }
    }

    // ---- blocked commands (BLPOP, ...): see BlockingKeys ----

    /** Requests that arrive while blocked wait here, in order; reading pauses only if too many pile up. */
    private void park(ChannelHandlerContext ctx, Object msg) {
        parked.add(msg);
        if (parked.size() > QUEUE_HIGH) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void block(ChannelHandlerContext ctx, byte[][] argv, Blocked b) {
        BlockingKeys.Waiter w = blocking.block(client, argv, b, reply -> ctx.executor().execute(() -> resume(ctx, reply)));
        waiter = w;
        long ms = b.timeoutMillis();
        if (ms > 0 && ms < MAX_TIMEOUT_MS) {
            timeoutTask = ctx.executor().schedule(() -> expire(ctx, w), ms, TimeUnit.MILLISECONDS);
        }
        blocking.serveReady(dispatcher); // a push between our check and the registration is not lost
    }

    /**
     * Worker (executor mode): registers a blocked command. Writes through this node wake it at once;
     * writes coordinated by other nodes do not pass through here, so it also tries again every
     * {@link #RETRY_MS} ms until it is served or times out.
     */
    private void blockOnWorker(ChannelHandlerContext ctx, byte[][] argv, Blocked b) {
        java.util.List<byte[][]> mon = client.monitored;
        client.monitored = null;
        BlockingKeys.Waiter w = blocking.block(client, argv, b, reply -> ctx.executor().execute(() -> resume(ctx, reply)));
        ctx.executor().execute(() -> {
            afterCommand(ctx, mon);
            waiter = w;
            long ms = b.timeoutMillis();
            if (ms > 0 && ms < MAX_TIMEOUT_MS) {
                timeoutTask = ctx.executor().schedule(() -> expire(ctx, w), ms, TimeUnit.MILLISECONDS);
            }
            retryTask = ctx.executor().scheduleAtFixedRate(() -> executor.execute(() -> {
                blocking.retry(w);
                blocking.serveReady(dispatcher);
            }), RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
        });
        blocking.serveReady(dispatcher); // a push between our check and the registration is not lost
    }

    /** Event loop: the timeout of waiter {@code w} has come. */
    private void expire(ChannelHandlerContext ctx, BlockingKeys.Waiter w) {
        if (waiter != w || w.done()) {
            return;
        }
        if (w.claim()) {
            blocking.unblock(w);
            resume(ctx, NullReply.ARRAY);
        } else {
            // being served on another thread right now: its reply is on the way, or it blocks again
            timeoutTask = ctx.executor().schedule(() -> expire(ctx, w), 1, TimeUnit.MILLISECONDS);
        }
    }

    /** Event loop: answers the blocked command and runs the requests that waited behind it. */
    private void resume(ChannelHandlerContext ctx, Reply reply) {
        if (!ctx.channel().isActive() || waiter == null) {
            return;
        }
        waiter = null;
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
        if (retryTask != null) {
            retryTask.cancel(false);
            retryTask = null;
        }
        if (executor != null) {
            outgoing.add(new Outgoing(reply, null, false));
            writeReady(ctx);
            executor.execute(() -> drain(ctx)); // the requests queued behind the blocked one
            return;
        }
        write(ctx, reply);
        while (waiter == null && !parked.isEmpty() && !client.closingAfterReply()) {
            handle(ctx, parked.poll());
        }
        dispatcher.endOfBatch();
        if (client.closingAfterReply()) {
            flush(ctx).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        flush(ctx);
        if (waiter == null && ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Event loop: the connection went away while blocked. */
    private void dropWaiter(ChannelHandlerContext ctx, BlockingKeys.Waiter w) {
        if (w.done()) {
            return;
        }
        if (w.claim()) {
            blocking.unblock(w);
        } else {
            ctx.executor().schedule(() -> dropWaiter(ctx, w), 1, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Event loop, executor mode: runs a request here when nothing of this connection waits for the
     * worker and the request needs no other node's answer to go on (a GET, a plain SET); false if it
     * must go to the worker instead, having changed nothing. Its writes reach the OS at the end of
     * the read, before any reply leaves.
     */
    private boolean runHere(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof byte[][] argv) || waiter != null || blocking.active()) {
            return false;
        }
        synchronized (queue) {
            if (draining || handedOver > 0) {
                return false;
            }
        }
        Reply reply = dispatcher.dispatch(client, argv, Pace.NEVER_WAIT);
        if (reply == null) {
            return false;
        }
        writesBeforeReplies = true;
        outgoing.add(new Outgoing(reply, client.monitored, client.closingAfterReply()));
        client.monitored = null;
        writeReady(ctx);
        return true;
    }

    private void enqueue(ChannelHandlerContext ctx, Object msg) {
        boolean start;
        int size;
        synchronized (queue) {
            queue.add(msg);
            size = queue.size();
            start = !draining;
            draining = true;
        }
        if (size > QUEUE_HIGH && !readPaused) {
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
        if (start) {
            executor.execute(() -> drain(ctx));
        }
    }

    private static final int QUEUE_HIGH = 4096;
    /** Queued (executor mode) when the client closed its side: the connection closes after the replies before it. */
    private static final Object END_OF_INPUT = new Object();
    private static final int QUEUE_LOW = 256;

    /**
     * Worker side: runs the queued requests in order. Their replies go to the event loop in batches
     * of at most {@link #BATCH}, each after one {@code endOfBatch} (the batch's writes reach the OS
     * before any of its replies leave). The batch is handed over before {@code draining} is released,
     * so a later drain's batch cannot overtake it.
     */
    private void drain(ChannelHandlerContext ctx) {
        java.util.List<Outgoing> batch = new java.util.ArrayList<>();
        while (true) {
            Object msg;
            int left;
            synchronized (queue) {
                msg = queue.poll();
                left = queue.size();
            }
            if (msg == null) {
                handOver(ctx, batch, left);
                synchronized (queue) {
                    if (queue.isEmpty()) {
                        draining = false;
                        return;
                    }
                }
                continue;
            }
            if (client.closingAfterReply()) {
                continue;
            }
            if (msg instanceof byte[][] argv) {
                Reply reply = dispatcher.dispatch(client, argv, Pace.DEFER_ACKS);
                if (reply instanceof Blocked b) {
                    handOver(ctx, batch, left);
                    blockOnWorker(ctx, argv, b);
                    return; // draining stays on: later requests wait in the queue behind the blocked one
                }
                if (blocking.active()) {
                    blocking.serveReady(dispatcher); // clients woken by this command are served before our next one
                }
                batch.add(new Outgoing(reply, client.monitored, client.closingAfterReply()));
                client.monitored = null;
            } else if (msg instanceof ProtocolError e) {
                client.closeAfterReply();
                batch.add(new Outgoing(ErrorReply.err(e.message()), null, true));
            } else if (msg == END_OF_INPUT) {
                batch.add(new Outgoing(Reply.NONE, null, true)); // behind every reply before it
            }
            if (batch.size() >= BATCH) {
                handOver(ctx, batch, left);
            }
        }
    }

    private static final int BATCH = 32;

    /** A reply on its way to the event loop: what MONITOR shows for it, and whether the connection closes after it. */
    private record Outgoing(Reply reply, java.util.List<byte[][]> monitored, boolean close) {
    }

    /** Worker side: ends the batch's writes, then queues its replies on the event loop. */
    private void handOver(ChannelHandlerContext ctx, java.util.List<Outgoing> batch, int left) {
        if (batch.isEmpty()) {
            return;
        }
        dispatcher.endOfBatch();
        Outgoing[] replies = batch.toArray(new Outgoing[0]);
        batch.clear();
        boolean resume = readPaused && left < QUEUE_LOW;
        synchronized (queue) {
            handedOver++; // before draining is released: see runHere
        }
        ctx.executor().execute(() -> {
            synchronized (queue) {
                handedOver--;
            }
            if (!ctx.channel().isActive()) {
                return; // closed meanwhile: channelInactive has released the pending buffer
            }
            java.util.Collections.addAll(outgoing, replies);
            if (resume && readPaused) {
                readPaused = false;
                if (ctx.channel().isWritable()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
            writeReady(ctx);
        });
    }

    /**
     * Event loop (executor mode): writes the replies at the head of {@link #outgoing} that are ready,
     * in order; a pending one holds back everything behind it until it completes.
     */
    private void writeReady(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            outgoing.clear();
            return;
        }
        boolean wrote = false;
        Outgoing o;
        while ((o = outgoing.peek()) != null) {
            Reply reply = o.reply();
            if (reply instanceof PendingReply p) {
                if (!p.result().isDone()) {
                    if (awaited != p) {
                        awaited = p;
                        p.result().whenComplete((r, e) -> ctx.executor().execute(() -> writeReady(ctx)));
                    }
                    break;
                }
                reply = p.result().join();
            }
            outgoing.poll();
            write(ctx, reply);
            wrote = true;
            afterCommand(ctx, o.monitored());
            if (o.close()) {
                endWritesHere();
                outgoing.clear();
                flush(ctx).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        if (wrote && !flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                flush(ctx);
            });
        }
    }

    /** Event loop: feeds MONITOR and keeps the registry's monitor list in step. */
    private void afterCommand(ChannelHandlerContext ctx, java.util.List<byte[][]> monitored) {
        if (client.isMonitor() != client.registeredMonitor) {
            client.registeredMonitor = client.isMonitor();
            if (client.registeredMonitor) {
                registry.addMonitor(client);
            } else {
                registry.removeMonitor(client); // before the feed: a monitor's RESET is not shown to itself
            }
        }
        if (monitored != null) {
            for (byte[][] argv : monitored) {
                MonitorLine.feed(registry, client, argv);
            }
        }
    }

    private void write(ChannelHandlerContext ctx, Reply reply) {
        ByteBuf out = client.pending;
        if (out == null) {
            out = ctx.alloc().ioBuffer(256);
            client.pending = out;
        }
        reply.write(out, client.protocol());
    }

    private io.netty.channel.ChannelFuture flush(ChannelHandlerContext ctx) {
        ByteBuf out = client.pending;
        client.pending = null;
        if (out == null) {
            return ctx.newSucceededFuture();
        }
        stats.netOutput(out.readableBytes());
        return ctx.writeAndFlush(out);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        client.touch();
        if (executor == null) {
            if (client.pending != null && !inRound) {
                inRound = true;
                ReplyRound.join(ctx, this, dispatcher); // the round's writes reach the OS before its replies leave
            }
            return;
        }
        endWritesHere();
        flush(ctx);
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void endWritesHere() {
        if (writesBeforeReplies) {
            writesBeforeReplies = false;
            dispatcher.endOfBatch();
        }
    }

    /** Event loop, single node: the end of the round in which this connection read requests. */
    void endOfRound(ChannelHandlerContext ctx) {
        inRound = false;
        flush(ctx);
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /**
     * The client closed its side: answer what it sent, then close (as Redis does). A blocked command
     * gets no answer: the connection goes at once, as in Redis.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (waiter != null) {
            ctx.close();
        } else if (executor != null) {
            enqueue(ctx, END_OF_INPUT);
        } else {
            if (client.pending != null) {
                dispatcher.endOfBatch();
            }
            flush(ctx).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !readPaused && parked.size() <= QUEUE_HIGH) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.remove(client);
        client.transaction().discard(); // its watched keys leave the registry
        client.subscriptions().clear();
        if (waiter != null) {
            dropWaiter(ctx, waiter);
            waiter = null;
            if (timeoutTask != null) {
                timeoutTask.cancel(false);
            }
            if (retryTask != null) {
                retryTask.cancel(false);
            }
        }
        parked.clear();
        outgoing.clear();
        ByteBuf out = client.pending;
        client.pending = null;
        if (out != null) {
            out.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            log.warn("closing client {} after an unexpected error", client.address(), cause);
        }
        ctx.close();
    }
}
