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

/**
 * Runs each decoded request of one connection and writes its reply. Replies of one read burst (a
 * pipeline) are gathered in one buffer and flushed once when the burst ends. While the client does
 * not read its replies, reading its requests pauses, so a slow reader cannot fill the server's memory.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

    private final ClientConnection client;
    private final CommandDispatcher dispatcher;
    private final ClientRegistry registry;
    private final ServerStats stats;

    ClientHandler(ClientConnection client, CommandDispatcher dispatcher, ClientRegistry registry, ServerStats stats) {
        this.client = client;
        this.dispatcher = dispatcher;
        this.registry = registry;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (client.closingAfterReply()) {
            return;
        }
        if (msg instanceof byte[][] argv) {
            Reply reply = dispatcher.dispatch(client, argv);
            write(ctx, reply);
            if (client.monitorArgv != null) {
                MonitorLine.feed(registry, client, client.monitorArgv);
                client.monitorArgv = null;
            }
            if (client.isMonitor() != client.registeredMonitor) {
                client.registeredMonitor = client.isMonitor();
                if (client.registeredMonitor) {
                    registry.addMonitor(client);
                } else {
                    registry.removeMonitor(client);
                }
            }
        } else if (msg instanceof ProtocolError e) {
            write(ctx, ErrorReply.err(e.message()));
            client.closeAfterReply();
        }
        if (client.closingAfterReply()) {
            flush(ctx).addListener(ChannelFutureListener.CLOSE);
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
        flush(ctx);
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
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
