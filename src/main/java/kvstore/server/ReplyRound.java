package kvstore.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.FastThreadLocal;
import kvstore.command.CommandDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;

/**
 * Sends the replies of every connection that read requests in one round of an event loop together,
 * after the round: first the writes of all of them are handed to the OS in one commit-log write
 * ({@link CommandDispatcher#endOfBatch}), then each connection's replies are flushed. This is what
 * Redis does before it sleeps (one AOF write, then the pending replies), and it saves a write system
 * call per connection per round under load. A task queued on the event loop runs once the round's
 * I/O is done, so that is where the round ends.
 *
 * <p>One per event-loop thread; used on that thread only.
 */
final class ReplyRound {
    private static final Logger log = LoggerFactory.getLogger(ReplyRound.class);
    private static final FastThreadLocal<ReplyRound> ROUND = new FastThreadLocal<>() {
        @Override
        protected ReplyRound initialValue() {
            return new ReplyRound();
        }
    };

    private final ArrayList<ClientHandler> handlers = new ArrayList<>();
    private final ArrayList<ChannelHandlerContext> contexts = new ArrayList<>();
    private final Runnable end = this::end;
    private CommandDispatcher dispatcher;

    private ReplyRound() {
    }

    /** Event loop: {@code handler}'s replies go out at the end of this round. */
    static void join(ChannelHandlerContext ctx, ClientHandler handler, CommandDispatcher dispatcher) {
        ReplyRound r = ROUND.get();
        if (r.handlers.isEmpty()) {
            r.dispatcher = dispatcher;
            ctx.executor().execute(r.end);
        }
        r.handlers.add(handler);
        r.contexts.add(ctx);
    }

    private void end() {
        try {
            dispatcher.endOfBatch();
            for (int i = 0; i < handlers.size(); i++) {
                handlers.get(i).endOfRound(contexts.get(i));
            }
        } catch (RuntimeException e) {
            // the round's writes may not have reached the OS, so none of its replies may go out
            log.warn("closing the {} connections of an event-loop round after an error", contexts.size(), e);
            for (ChannelHandlerContext ctx : contexts) {
                ctx.close();
            }
        } finally {
            handlers.clear();
            contexts.clear();
        }
    }
}
