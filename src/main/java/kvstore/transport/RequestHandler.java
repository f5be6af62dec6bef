package kvstore.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one message type arriving from peers. {@link #handle} runs on the connection's event loop
 * unless {@link #mayBlock()} is true, in which case it runs on the transport's blocking executor;
 * an {@link #ordered()} handler runs there too, one request at a time per connection, in arrival order.
 * The returned bytes become the RESPONSE; an exception (thrown or in the future) becomes an ERROR
 * frame with its message. For ONE_WAY messages the result is ignored.
 */
public interface RequestHandler {
    CompletableFuture<byte[]> handle(String peer, byte[] payload);

    default boolean mayBlock() {
        return false;
    }

    /**
     * True if requests of this type from one connection are served in the order they arrived, in
     * batches: each batch ends with the transport's {@link PeerTransport#afterBatch} hook, and its
     * responses leave after that. Implies {@link #mayBlock()}.
     */
    default boolean ordered() {
        return false;
    }

    /** A handler that never blocks. */
    static RequestHandler nonBlocking(java.util.function.BiFunction<String, byte[], CompletableFuture<byte[]>> f) {
        return f::apply;
    }

    /** An {@link #ordered()} handler: blocks, and sees one connection's requests in arrival order. */
    static RequestHandler ordered(java.util.function.BiFunction<String, byte[], byte[]> f) {
        return new RequestHandler() {
            @Override
            public CompletableFuture<byte[]> handle(String peer, byte[] payload) {
                return CompletableFuture.completedFuture(f.apply(peer, payload));
            }

            @Override
            public boolean mayBlock() {
                return true;
            }

            @Override
            public boolean ordered() {
                return true;
            }
        };
    }

    /** A handler that may block (disk, locks); it runs off the event loop. */
    static RequestHandler blocking(java.util.function.BiFunction<String, byte[], byte[]> f) {
        return new RequestHandler() {
            @Override
            public CompletableFuture<byte[]> handle(String peer, byte[] payload) {
                return CompletableFuture.completedFuture(f.apply(peer, payload));
            }

            @Override
            public boolean mayBlock() {
                return true;
            }
        };
    }
}
