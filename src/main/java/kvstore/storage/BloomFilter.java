package kvstore.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A bloom filter with double hashing (Kirsch and Mitzenmacher): probe i sets bit
 * {@code (h1 + i * h2) mod m} where h1 and h2 are the two halves of one 64-bit hash of the key. One
 * hash per key is computed once per lookup and reused for every table.
 */
final class BloomFilter {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long[] bits;
    private final long numBits;
    private final int probes;

    BloomFilter(long[] bits, int probes) {
        this.bits = bits;
        this.numBits = (long) bits.length * 64;
        this.probes = probes;
    }

    /** A filter for the given key hashes. */
    static BloomFilter build(long[] hashes, int count, int bitsPerKey) {
        long m = Math.max(64, (long) count * bitsPerKey);
        int words = (int) ((m + 63) / 64);
        int k = Math.max(1, Math.min(30, (int) Math.round(bitsPerKey * 0.69)));
        BloomFilter f = new BloomFilter(new long[words], k);
        for (int i = 0; i < count; i++) {
            f.add(hashes[i]);
        }
        return f;
    }

    private void add(long hash) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 0; i < probes; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % numBits;
            bits[(int) (bit >>> 6)] |= 1L << bit;
        }
    }

    boolean mayContain(long hash) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 0; i < probes; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % numBits;
            if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    long[] words() {
        return bits;
    }

    int probes() {
        return probes;
    }

    long memoryBytes() {
        return (long) bits.length * 8;
    }

    /** A 64-bit hash of the key (a Murmur-style mix over 8-byte words); stable across versions. */
    static long hash(byte[] key) {
        long h = 0x9E3779B97F4A7C15L ^ (key.length * 0xC6A4A7935BD1E995L);
        int i = 0;
        for (; i + 8 <= key.length; i += 8) {
            long k = (long) LONGS.get(key, i);
            k *= 0xC6A4A7935BD1E995L;
            k ^= k >>> 47;
            k *= 0xC6A4A7935BD1E995L;
            h ^= k;
            h *= 0xC6A4A7935BD1E995L;
        }
        long tail = 0;
        for (int s = 0; i < key.length; i++, s += 8) {
            tail |= (key[i] & 0xffL) << s;
        }
        h ^= tail;
        h *= 0xC6A4A7935BD1E995L;
        h ^= h >>> 47;
        h *= 0xC6A4A7935BD1E995L;
        h ^= h >>> 47;
        return h;
    }
}
