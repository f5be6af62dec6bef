package kvstore.command;

import io.netty.buffer.ByteBuf;
import kvstore.resp.Reply;

import java.util.concurrent.CompletableFuture;

/**
 * The reply of a command that ran but whose writes are not yet acknowledged (a ring's W replicas):
 * the connection sends {@link #result()} once it completes, and nothing behind it before that. Only
 * {@link CommandDispatcher#dispatch(Session, byte[][], boolean)} with deferred acknowledgements
 * returns one.
 */
public final class PendingReply extends Reply {
    private final CompletableFuture<Reply> result;

    PendingReply(CompletableFuture<Reply> result) {
        this.result = result;
    }

    /** The reply {@code build} makes of what {@code read} completes with; a failure becomes its error reply. */
    static <T> PendingReply of(CompletableFuture<T> read, java.util.function.Function<T, Reply> build, String command) {
        return new PendingReply(read.handle((v, e) -> {
            if (e != null) {
                return CommandDispatcher.failure(command, e);
            }
            try {
                return build.apply(v);
            } catch (RuntimeException x) {
                return CommandDispatcher.failure(command, x);
            }
        }));
    }

    /** Completes (never exceptionally) with the reply to send: the command's own, or the error of a write that missed its quorum. */
    public CompletableFuture<Reply> result() {
        return result;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        throw new IllegalStateException("a pending reply is written once its result completes");
    }
}
