package kvstore.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Key byte helpers shared by the in-memory indexes that compare 8-byte heads instead of whole keys
 * ({@link CellTree}, {@link BlockIndex}).
 */
final class KeyBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private KeyBytes() {
    }

    /** The length of the common prefix of {@code a[aFrom, aTo)} and {@code b[bFrom, bTo)}. */
    static int commonPrefix(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        int m = Arrays.mismatch(a, aFrom, aTo, b, bFrom, bTo);
        return m < 0 ? aTo - aFrom : m;
    }

    /**
     * Up to 8 bytes of {@code k[from, to)}, big-endian, zero-padded (none if {@code from >= to}), with
     * the top bit flipped so that signed {@code long} order is unsigned byte order: keys sharing the
     * bytes before {@code from} compare as their heads do, unless their heads are equal.
     */
    static long head(byte[] k, int from, int to) {
        if (to - from >= 8) {
            return (long) LONGS.get(k, from) ^ Long.MIN_VALUE;
        }
        long h = 0;
        for (int j = from; j < to; j++) {
            h |= (k[j] & 0xFFL) << (56 - 8 * (j - from));
        }
        return h ^ Long.MIN_VALUE;
    }
}
