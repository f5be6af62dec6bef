package kvstore.version;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Binary forms of a {@link SiblingSet} (replica messages) and of a {@link VersionVector} (the causal
 * context handed to clients). All integers are big-endian.
 *
 * <pre>
 * sibling set:
 *   u8   format (1)
 *   i32  m, then m clock entries:   i64 actor, i64 counter
 *   i32  k, then k versions:        i64 actor, i64 counter, i64 timestamp (ms),
 *                                   i64 expireAt (ms, 0 = none), u8 type,
 *                                   i32 value length (-1 = tombstone), value bytes
 * version vector (context):
 *   u8   format (1)
 *   i32  m, then m entries:         i64 actor, i64 counter
 * </pre>
 *
 * A context travels to clients as the unpadded base64url text of its binary form, so that it can be
 * pasted back into redis-cli; it is opaque to them.
 */
public final class SiblingSetCodec {
    private static final byte FORMAT = 1;

    private SiblingSetCodec() {
    }

    public static int size(SiblingSet s) {
        int n = 1 + 4 + s.clock().size() * 16 + 4;
        for (Version v : s.versions()) {
            n += 8 * 4 + 1 + 4 + (v.isTombstone() ? 0 : v.value().length);
        }
        return n;
    }

    public static byte[] encode(SiblingSet s) {
        ByteBuffer b = ByteBuffer.allocate(size(s));
        write(b, s);
        return b.array();
    }

    /** Writes {@code s} at the buffer's position; the buffer needs {@link #size} bytes left. */
    public static void write(ByteBuffer b, SiblingSet s) {
        b.put(FORMAT);
        writeClock(b, s.clock());
        List<Version> vs = s.versions();
        b.putInt(vs.size());
        for (Version v : vs) {
            b.putLong(v.actor()).putLong(v.counter()).putLong(v.timestamp()).putLong(v.expireAt()).put(v.type());
            if (v.isTombstone()) {
                b.putInt(-1);
            } else {
                b.putInt(v.value().length).put(v.value());
            }
        }
    }

    public static SiblingSet decode(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }

    /** Reads a sibling set at the buffer's position; throws IllegalArgumentException if malformed. */
    public static SiblingSet read(ByteBuffer b) {
        try {
            if (b.get() != FORMAT) {
                throw new IllegalArgumentException("unknown sibling set format");
            }
            VersionVector clock = readClock(b);
            int k = b.getInt();
            if (k <= 0 || k > b.remaining() / 37) {
                throw new IllegalArgumentException("bad sibling count " + k);
            }
            List<Version> vs = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                long actor = b.getLong(), counter = b.getLong(), ts = b.getLong(), exp = b.getLong();
                byte type = b.get();
                int len = b.getInt();
                byte[] value = null;
                if (len >= 0) {
                    value = new byte[len];
                    b.get(value);
                } else if (len != -1) {
                    throw new IllegalArgumentException("bad value length " + len);
                }
                vs.add(new Version(actor, counter, ts, exp, type, value));
            }
            return new SiblingSet(clock, vs);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated sibling set", e);
        }
    }

    public static byte[] encodeClock(VersionVector v) {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + v.size() * 16);
        b.put(FORMAT);
        writeClock(b, v);
        return b.array();
    }

    public static VersionVector decodeClock(byte[] bytes) {
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
    public static byte[] contextToClient(VersionVector v) {
        return Base64.getUrlEncoder().withoutPadding().encode(encodeClock(v));
    }

    /** Parses a context a client passed back; IllegalArgumentException if it is not one. */
    public static VersionVector contextFromClient(byte[] text) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid context", e);
        }
        return decodeClock(raw);
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
