package kvstore.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one message type arriving from peers. {@link #handle} runs on the connection's event loop
 * unless {@link #mayBlock()} is true, in which case it runs on the transport's blocking executor.
 * The returned bytes become the RESPONSE; an exception (thrown or in the future) becomes an ERROR
 * frame with its message. For ONE_WAY messages the result is ignored.
 */
public interface RequestHandler {
    CompletableFuture<byte[]> handle(String peer, byte[] payload);

    default boolean mayBlock() {
        return false;
    }

    /**
     * True if this handler's responses wait for the end of the read that brought its requests: the
     * transport then runs its {@link PeerTransport#afterBatch} hook once and writes them all. Such a
     * handler runs on the event loop (so one connection's requests in arrival order): it may do brief
     * local work (the engine, locks held only around it), as a single node's commands do, never wait
     * for another node.
     */
    default boolean batched() {
        return false;
    }

    /** A handler that never blocks. */
    static RequestHandler nonBlocking(java.util.function.BiFunction<String, byte[], CompletableFuture<byte[]>> f) {
        return f::apply;
    }

    /** A {@link #batched()} handler. */
    static RequestHandler batched(java.util.function.BiFunction<String, byte[], byte[]> f) {
        return new Synchronous(f, false, true);
    }

    /** A handler that may block (disk, locks); it runs off the event loop. */
    static RequestHandler blocking(java.util.function.BiFunction<String, byte[], byte[]> f) {
        return new Synchronous(f, true, false);
    }

    /** A handler whose answer is computed on the spot. */
    record Synchronous(java.util.function.BiFunction<String, byte[], byte[]> f, boolean mayBlock, boolean batched)
            implements RequestHandler {
        @Override
        public CompletableFuture<byte[]> handle(String peer, byte[] payload) {
            return CompletableFuture.completedFuture(f.apply(peer, payload));
        }
    }
}
