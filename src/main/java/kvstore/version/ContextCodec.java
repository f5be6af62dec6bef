package kvstore.version;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The causal context as it crosses a boundary: between nodes (binary) and to clients (SIBLINGS
 * replies, CONTEXT arguments: base64url text without padding, opaque to them).
 *
 * <pre>
 *   size   field
 *   1      format id, 0x01
 *   4      n = number of entries (big-endian int)
 *   n x    8 actor, 8 counter (big-endian longs)
 * </pre>
 */
public final class ContextCodec {
    private static final byte FORMAT = 1;

    private ContextCodec() {
    }

    public static byte[] encode(VersionVector v) {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + v.size() * 16);
        b.put(FORMAT);
        writeClock(b, v);
        return b.array();
    }

    public static VersionVector decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            if (b.get() != FORMAT) {
                throw new IllegalArgumentException("unknown context format");
            }
            VersionVector v = readClock(b);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes in context");
            }
            return v;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated context", e);
        }
    }

    /** The context as clients see it: base64url text, no padding. */
    public static byte[] toClient(VersionVector v) {
        return Base64.getUrlEncoder().withoutPadding().encode(encode(v));
    }

    /** Parses a context a client passed back; IllegalArgumentException if it is not one. */
    public static VersionVector fromClient(byte[] text) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid context", e);
        }
        return decode(raw);
    }

    private static void writeClock(ByteBuffer b, VersionVector v) {
        b.putInt(v.size());
        for (int i = 0; i < v.size(); i++) {
            b.putLong(v.actorAt(i)).putLong(v.counterAt(i));
        }
    }

    private static VersionVector readClock(ByteBuffer b) {
        int m = b.getInt();
        if (m < 0 || m > b.remaining() / 16) {
            throw new IllegalArgumentException("bad clock size " + m);
        }
        long[] actors = new long[m];
        long[] counters = new long[m];
        for (int i = 0; i < m; i++) {
            actors[i] = b.getLong();
            counters[i] = b.getLong();
            if (counters[i] <= 0) {
                throw new IllegalArgumentException("bad clock counter");
            }
        }
        return VersionVector.of(actors, counters);
    }
}
