package kvstore.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import kvstore.command.CommandDispatcher;
import kvstore.metrics.ServerStats;
import kvstore.resp.ErrorReply;
import kvstore.resp.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs each decoded request of one connection and writes its reply. Replies of one read burst (a
 * pipeline) are gathered in one buffer and flushed once when the burst ends. While the client does
 * not read its replies, reading its requests pauses, so a slow reader cannot fill the server's memory.
 *
 * <p>With a command executor (a ring, where commands wait for peers) each request is queued and the
 * connection's queue is drained by one worker at a time, so commands of a connection run in order,
 * never on the event loop; each reply is handed back to the event loop in that order, and a flush is
 * scheduled behind the replies already handed back. Without one (a single node) commands run inline.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

    private final ClientConnection client;
    private final CommandDispatcher dispatcher;
    private final ClientRegistry registry;
    private final ServerStats stats;
    private final Executor executor;
    /** Requests waiting for the worker (executor mode); guarded by itself. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private boolean draining;
    /** Event loop only: a flush task is queued behind the replies handed back. */
    private boolean flushScheduled;
    private volatile boolean readPaused;

    ClientHandler(ClientConnection client, CommandDispatcher dispatcher, ClientRegistry registry, ServerStats stats,
                  Executor executor) {
        this.client = client;
        this.dispatcher = dispatcher;
        this.registry = registry;
        this.stats = stats;
        this.executor = executor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (client.closingAfterReply()) {
            return;
        }
        if (executor != null) {
            enqueue(ctx, msg);
            return;
        }
        if (msg instanceof byte[][] argv) {
            Reply reply = dispatcher.dispatch(client, argv);
            write(ctx, reply);
            afterCommand(ctx, client.monitorArgv);
            client.monitorArgv = null;
        } else if (msg instanceof ProtocolError e) {
            write(ctx, ErrorReply.err(e.message()));
            client.closeAfterReply();
        }
        if (client.closingAfterReply()) {
            dispatcher.endOfBatch();
            flush(ctx).addListener(ChannelFutureListener.CLOSE);
        }
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
    private static final int QUEUE_LOW = 256;

    /** Worker side: runs the queued requests in order, handing each reply to the event loop. */
    private void drain(ChannelHandlerContext ctx) {
        while (true) {
            Object msg;
            int left;
            synchronized (queue) {
                msg = queue.poll();
                if (msg == null) {
                    draining = false;
                    return;
                }
                left = queue.size();
            }
            if (client.closingAfterReply()) {
                continue;
            }
            Reply reply;
            byte[][] monitored = null;
            boolean protocolError = false;
            if (msg instanceof byte[][] argv) {
                reply = dispatcher.dispatch(client, argv);
                dispatcher.endOfBatch();
                monitored = client.monitorArgv;
                client.monitorArgv = null;
            } else if (msg instanceof ProtocolError e) {
                reply = ErrorReply.err(e.message());
                client.closeAfterReply();
                protocolError = true;
            } else {
                continue;
            }
            byte[][] mon = monitored;
            boolean resume = readPaused && left < QUEUE_LOW;
            boolean close = protocolError || client.closingAfterReply();
            ctx.executor().execute(() -> {
                if (!ctx.channel().isActive()) {
                    return; // closed meanwhile: channelInactive has released the pending buffer
                }
                write(ctx, reply);
                afterCommand(ctx, mon);
                if (close) {
                    flush(ctx).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                if (resume && readPaused) {
                    readPaused = false;
                    if (ctx.channel().isWritable()) {
                        ctx.channel().config().setAutoRead(true);
                    }
                }
                if (!flushScheduled) {
                    flushScheduled = true;
                    ctx.executor().execute(() -> {
                        flushScheduled = false;
                        flush(ctx);
                    });
                }
            });
        }
    }

    /** Event loop: feeds MONITOR and keeps the registry's monitor list in step. */
    private void afterCommand(ChannelHandlerContext ctx, byte[][] monitored) {
        if (monitored != null) {
            MonitorLine.feed(registry, client, monitored);
        }
        {
            if (client.isMonitor() != client.registeredMonitor) {
                client.registeredMonitor = client.isMonitor();
                if (client.registeredMonitor) {
                    registry.addMonitor(client);
                } else {
                    registry.removeMonitor(client);
                }
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
        if (executor == null && client.pending != null) {
            dispatcher.endOfBatch(); // the batch's writes reach the OS before any of its replies leave
        }
        flush(ctx);
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !readPaused) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.remove(client);
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
