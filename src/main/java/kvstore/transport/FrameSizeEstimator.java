package kvstore.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.MessageSizeEstimator;

/** Counts a queued {@link Frame} at its wire size, so the write-buffer limit sees large values. */
final class FrameSizeEstimator implements MessageSizeEstimator {
    static final FrameSizeEstimator INSTANCE = new FrameSizeEstimator();

    private static final Handle HANDLE = msg -> {
        if (msg instanceof Frame) {
            return (int) Math.min(Integer.MAX_VALUE, ((Frame) msg).wireSize());
        }
        if (msg instanceof ByteBuf) {
            return ((ByteBuf) msg).readableBytes();
        }
        return 8;
    };

    @Override
    public Handle newHandle() {
        return HANDLE;
    }
}
