package kvstore.version;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link SiblingSet}, used by the commit log, the SSTables and the replica
 * messages between nodes.
 *
 * <pre>
 *   size      field
 *   1         format id, always 0x01 for this layout (a new layout gets a new id; old ones stay readable)
 *   varint    n = number of clock entries
 *   n times:  8  actor (big-endian long)
 *             varlong  counter
 *   varint    m = number of versions (siblings)
 *   m times:  8  dot actor (big-endian long)
 *             varlong  dot counter
 *             8  timestamp, ms (big-endian long)
 *             varlong  expireAt, absolute ms (0 = no expiry)
 *             1  type id: the byte of {@link Version#type()} stored as is (ids are explicit bytes chosen
 *                by the owner of the type, never an enum ordinal)
 *             1  flags: bit 0 set = the version has a value; clear = tombstone; other bits must be 0
 *             if the value is present: varint length, then the value bytes
 * </pre>
 *
 * varint/varlong are unsigned LEB128 (7 bits per byte, low bits first, high bit = more follows).
 * Decoding rejects an unknown format id, unknown flag bits, lengths beyond the input and trailing
 * bytes with {@link IllegalArgumentException}, so corruption is never returned as data.
 */
public final class SiblingSetCodec {
    public static final byte FORMAT_V1 = 0x01;
    private static final int FLAG_HAS_VALUE = 0x01;

    private SiblingSetCodec() {
    }

    public static byte[] encode(SiblingSet set) {
        VersionVector clock = set.clock();
        List<Version> versions = set.versions();
        int size = 1 + varLongSize(clock.size());
        for (int i = 0; i < clock.size(); i++) {
            size += 8 + varLongSize(clock.counterAt(i));
        }
        size += varLongSize(versions.size());
        for (Version v : versions) {
            size += 8 + varLongSize(v.counter()) + 8 + varLongSize(v.expireAt()) + 2;
            if (v.value() != null) {
                size += varLongSize(v.value().length) + v.value().length;
            }
        }
        byte[] out = new byte[size];
        int p = 0;
        out[p++] = FORMAT_V1;
        p = putVarLong(out, p, clock.size());
        for (int i = 0; i < clock.size(); i++) {
            p = putLong(out, p, clock.actorAt(i));
            p = putVarLong(out, p, clock.counterAt(i));
        }
        p = putVarLong(out, p, versions.size());
        for (Version v : versions) {
            p = putLong(out, p, v.actor());
            p = putVarLong(out, p, v.counter());
            p = putLong(out, p, v.timestamp());
            p = putVarLong(out, p, v.expireAt());
            out[p++] = v.type();
            byte[] value = v.value();
            out[p++] = (byte) (value != null ? FLAG_HAS_VALUE : 0);
            if (value != null) {
                p = putVarLong(out, p, value.length);
                System.arraycopy(value, 0, out, p, value.length);
                p += value.length;
            }
        }
        if (p != size) {
            throw new IllegalStateException("size mismatch " + p + " != " + size);
        }
        return out;
    }

    /** The encoded size of {@code set} in bytes. */
    public static int size(SiblingSet set) {
        return encode(set).length;
    }

    /** Writes the encoding of {@code set} at the buffer's position. */
    public static void write(ByteBuffer b, SiblingSet set) {
        b.put(encode(set));
    }

    /** Reads a sibling set that fills the buffer from its position to its limit. */
    public static SiblingSet read(ByteBuffer b) {
        SiblingSet s = b.hasArray()
                ? decode(b.array(), b.arrayOffset() + b.position(), b.remaining())
                : decode(readRemaining(b));
        b.position(b.limit());
        return s;
    }

    private static byte[] readRemaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    public static SiblingSet decode(byte[] in) {
        return decode(in, 0, in.length);
    }

    public static SiblingSet decode(byte[] in, int offset, int length) {
        Reader r = new Reader(in, offset, offset + length);
        int format = r.u8();
        if (format != FORMAT_V1) {
            throw new IllegalArgumentException("unknown sibling set format " + format);
        }
        int n = r.count();
        long[] actors = new long[n];
        long[] counters = new long[n];
        for (int i = 0; i < n; i++) {
            actors[i] = r.i64();
            counters[i] = r.varLong();
        }
        int m = r.count();
        List<Version> versions = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            long actor = r.i64();
            long counter = r.varLong();
            long timestamp = r.i64();
            long expireAt = r.varLong();
            byte type = (byte) r.u8();
            int flags = r.u8();
            if ((flags & ~FLAG_HAS_VALUE) != 0) {
                throw new IllegalArgumentException("unknown version flags " + flags);
            }
            byte[] value = null;
            if ((flags & FLAG_HAS_VALUE) != 0) {
                value = r.bytes(r.count());
            }
            versions.add(new Version(new Dot(actor, counter), timestamp, expireAt, type, value));
        }
        if (r.pos != r.end) {
            throw new IllegalArgumentException("trailing bytes in sibling set");
        }
        return new SiblingSet(VersionVector.of(actors, counters), versions);
    }

    /**
     * The value bytes of the winning version ({@link Version#winsOver}) of an encoded set, or null if
     * the winner is a tombstone, read without building the set: the element walks of collections
     * (LRANGE, HGETALL, ...) need only that. Expiry is not looked at. Rejects corrupt input as
     * {@link #decode} does.
     */
    public static byte[] winnerValue(byte[] in) {
        return winnerValue(in, 0, in.length);
    }

    /** {@link #winnerValue(byte[])} of the set encoded in {@code in[offset, offset + length)}. */
    public static byte[] winnerValue(byte[] in, int offset, int length) {
        Reader r = new Reader(in, winnerRecord(in, offset, length), offset + length);
        r.i64();
        r.varLong();
        r.i64();
        r.varLong();
        r.u8();
        return (r.u8() & FLAG_HAS_VALUE) == 0 ? null : r.bytes(r.count());
    }

    /**
     * The winning version ({@link SiblingSet#winner}) of an encoded set, without building the set: a
     * plain read needs only that, and skipping the clock and the other siblings' objects makes it
     * cheaper than {@link #decode}. Rejects corrupt input as {@link #decode} does.
     */
    public static Version decodeWinner(byte[] in, int offset, int length) {
        Reader r = new Reader(in, winnerRecord(in, offset, length), offset + length);
        long actor = r.i64();
        long counter = r.varLong();
        long timestamp = r.i64();
        long expireAt = r.varLong();
        byte type = (byte) r.u8();
        byte[] value = (r.u8() & FLAG_HAS_VALUE) == 0 ? null : r.bytes(r.count());
        return new Version(actor, counter, timestamp, expireAt, type, value);
    }

    /**
     * True if some version of an encoded set holds a value that never expires: such a set is live
     * data no purge rule may drop, and compaction tells so without decoding the set.
     */
    public static boolean holdsLastingValue(byte[] in) {
        Reader r = new Reader(in, 0, in.length);
        r.u8();
        int n = r.count();
        for (int i = 0; i < n; i++) {
            r.i64();
            r.varLong();
        }
        int m = r.count();
        for (int i = 0; i < m; i++) {
            r.i64();
            r.varLong();
            r.i64();
            long expireAt = r.varLong();
            r.u8();
            if ((r.u8() & FLAG_HAS_VALUE) != 0) {
                if (expireAt == Version.NO_EXPIRY) {
                    return true;
                }
                int valueLength = r.count();
                r.need(valueLength);
                r.pos += valueLength;
            }
        }
        return false;
    }

    /**
     * Where the winning version's record starts in an encoded set (its dot actor), after checking the
     * whole set as {@link #decode} does; nothing is allocated, so the winner's readers above stay cheap.
     */
    private static int winnerRecord(byte[] in, int offset, int length) {
        Reader r = new Reader(in, offset, offset + length);
        int format = r.u8();
        if (format != FORMAT_V1) {
            throw new IllegalArgumentException("unknown sibling set format " + format);
        }
        int n = r.count();
        for (int i = 0; i < n; i++) {
            r.i64();
            r.varLong();
        }
        int m = r.count();
        if (m == 0) {
            throw new IllegalArgumentException("a sibling set holds at least one version");
        }
        long bestTime = 0;
        long bestActor = 0;
        long bestCounter = 0;
        int best = -1;
        for (int i = 0; i < m; i++) {
            int at = r.pos;
            long actor = r.i64();
            long counter = r.varLong();
            long timestamp = r.i64();
            r.varLong();
            r.u8();
            int flags = r.u8();
            if ((flags & ~FLAG_HAS_VALUE) != 0) {
                throw new IllegalArgumentException("unknown version flags " + flags);
            }
            if ((flags & FLAG_HAS_VALUE) != 0) {
                int valueLength = r.count();
                r.need(valueLength);
                r.pos += valueLength;
            }
            if (best < 0 || (timestamp != bestTime ? timestamp > bestTime
                    : actor != bestActor ? actor > bestActor : counter > bestCounter)) {
                bestTime = timestamp;
                bestActor = actor;
                bestCounter = counter;
                best = at;
            }
        }
        if (r.pos != r.end) {
            throw new IllegalArgumentException("trailing bytes in sibling set");
        }
        return best;
    }

    private static int varLongSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarLong(byte[] out, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            out[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }

    private static int putLong(byte[] out, int p, long v) {
        for (int s = 56; s >= 0; s -= 8) {
            out[p++] = (byte) (v >>> s);
        }
        return p;
    }

    private static final VarHandle BIG_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final class Reader {
        final byte[] in;
        int pos;
        final int end;

        Reader(byte[] in, int pos, int end) {
            if (pos < 0 || end > in.length || pos > end) {
                throw new IllegalArgumentException("bad bounds");
            }
            this.in = in;
            this.pos = pos;
            this.end = end;
        }

        int u8() {
            need(1);
            return in[pos++] & 0xff;
        }

        long i64() {
            need(8);
            long v = (long) BIG_ENDIAN_LONGS.get(in, pos);
            pos += 8;
            return v;
        }

        long varLong() {
            if (pos < end && in[pos] >= 0) {
                return in[pos++]; // one byte, as counts, lengths and most counters are
            }
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        int count() {
            long v = varLong();
            if (v < 0 || v > end - pos) {
                // every counted item takes at least one byte, so a count beyond the input is corrupt
                throw new IllegalArgumentException("length " + v + " beyond input");
            }
            return (int) v;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] b = new byte[n];
            System.arraycopy(in, pos, b, 0, n);
            pos += n;
            return b;
        }

        void need(int n) {
            if (end - pos < n) {
                throw new IllegalArgumentException("truncated sibling set");
            }
        }
    }
}
