package kvstore.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory sorted table of recent writes: key to encoded sibling set (or
 * {@link InternalIterator#TOMBSTONE}), ordered by unsigned key bytes. Holding encoded bytes keeps the
 * heap footprint close to the size estimate and makes a flush a plain copy.
 */
final class Memtable {
    /** Rough per-entry overhead of a skip-list node, its entry and the two arrays, for the size estimate. */
    static final int ENTRY_OVERHEAD = 64;

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PROBES = 6;

    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final AtomicLong bytes = new AtomicLong();
    private final long firstSegment;
    /**
     * A bloom filter over the keys, so that a read of a key that is not here skips the skip-list walk
     * (a string of cache misses). Bits are set before the map insert, with release semantics, and read
     * with acquire semantics, so a reader that can see the entry also sees its bits.
     */
    private final long[] bloom;
    private final long bloomBits;

    Memtable(long firstSegment) {
        this(firstSegment, 1 << 20);
    }

    /** {@code capacityBytes}: the memtable size; the filter gets one bit per 8 bytes of it. */
    Memtable(long firstSegment, long capacityBytes) {
        this.firstSegment = firstSegment;
        long bits = Math.max(1 << 12, Math.min(1L << 31, capacityBytes / 8));
        this.bloom = new long[(int) (bits >>> 6)];
        this.bloomBits = (long) bloom.length << 6;
    }

    /** The first commit-log segment holding this memtable's writes. */
    long firstSegment() {
        return firstSegment;
    }

    void put(byte[] key, byte[] value) {
        long h = BloomFilter.hash(key);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        for (int i = 0; i < PROBES; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % bloomBits;
            WORDS.getAndBitwiseOrRelease(bloom, (int) (bit >>> 6), 1L << bit);
        }
        byte[] prev = map.put(key, value);
        long delta = value.length + (prev == null ? key.length + ENTRY_OVERHEAD : -prev.length);
        bytes.addAndGet(delta);
    }

    byte[] get(byte[] key) {
        return get(key, BloomFilter.hash(key));
    }

    /** The entry for {@code key}, whose {@link BloomFilter#hash} is {@code hash}, or null. */
    byte[] get(byte[] key, long hash) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 0; i < PROBES; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % bloomBits;
            if (((long) WORDS.getAcquire(bloom, (int) (bit >>> 6)) & (1L << bit)) == 0) {
                return null;
            }
        }
        return map.get(key);
    }

    long bytes() {
        return bytes.get();
    }

    int size() {
        return map.size();
    }

    boolean isEmpty() {
        return map.isEmpty();
    }

    InternalIterator iterator(byte[] from, byte[] to) {
        NavigableMap<byte[], byte[]> sub;
        if (from == null) {
            sub = to == null ? map : map.headMap(to, false);
        } else if (to == null) {
            sub = map.tailMap(from, true);
        } else {
            // an empty or inverted range is simply empty (subMap would throw)
            sub = Arrays.compareUnsigned(from, to) >= 0 ? map.subMap(from, true, from, false) : map.subMap(from, true, to, false);
        }
        Iterator<Map.Entry<byte[], byte[]>> it = sub.entrySet().iterator();
        return new InternalIterator() {
            private Map.Entry<byte[], byte[]> cur = it.hasNext() ? it.next() : null;

            @Override
            public boolean valid() {
                return cur != null;
            }

            @Override
            public byte[] key() {
                return cur.getKey();
            }

            @Override
            public byte[] value() {
                return cur.getValue();
            }

            @Override
            public void next() {
                cur = it.hasNext() ? it.next() : null;
            }
        };
    }
}
