package kvstore.storage;

import kvstore.version.SiblingSet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory sorted table of recent writes: key to encoded sibling set (or
 * {@link InternalIterator#TOMBSTONE}), ordered by unsigned key bytes. Holding encoded bytes keeps the
 * heap footprint close to the size estimate and makes a flush a plain copy.
 */
final class Memtable {
    /**
     * Rough per-entry heap overhead for the size estimate: the skip-list node, the hash node and key,
     * the cell, and the decoded sibling set a writer leaves (a few small objects).
     */
    static final int ENTRY_OVERHEAD = 256;

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PROBES = 6;

    /**
     * The current value of one key, shared by both indexes: its encoded bytes, and the decoded sibling
     * set when the writer had it (so that the read-modify-write of the next write of a hot key does
     * not decode it again). Replaced as a whole, so the two always agree.
     */
    private static final class Cell {
        volatile Value value;

        Cell(Value value) {
            this.value = value;
        }
    }

    private record Value(byte[] bytes, SiblingSet decoded) {
    }

    /** A key as a hash map key: equality by content, hash taken from the bloom hash already computed. */
    private static final class HashKey {
        final byte[] bytes;
        final int hash;

        HashKey(byte[] bytes, long bloomHash) {
            this.bytes = bytes;
            this.hash = (int) (bloomHash ^ (bloomHash >>> 32));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HashKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * Keys are indexed twice: the skip list keeps storage order for flushes and range walks, and a
     * hash map answers point reads and overwrites, since a skip-list lookup over a memtable bigger than
     * the CPU caches costs a cache miss per level. Both point at the same cell.
     */
    private final ConcurrentSkipListMap<byte[], Cell> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final ConcurrentHashMap<HashKey, Cell> index = new ConcurrentHashMap<>();
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
        put(key, value, null);
    }

    /** Stores {@code value}, the encoding of {@code decoded} (null if not at hand, or a tombstone). */
    void put(byte[] key, byte[] value, SiblingSet decoded) {
        long h = BloomFilter.hash(key);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        for (int i = 0; i < PROBES; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % bloomBits;
            // an overwrite finds its bits already set: skip the atomic update (a locked instruction)
            if (((long) WORDS.getAcquire(bloom, (int) (bit >>> 6)) & (1L << bit)) == 0) {
                WORDS.getAndBitwiseOrRelease(bloom, (int) (bit >>> 6), 1L << bit);
            }
        }
        HashKey k = new HashKey(key, h);
        Value v = new Value(value, decoded);
        Cell cell = index.get(k);
        byte[] prev = null;
        if (cell != null) {
            prev = cell.value.bytes;
            cell.value = v;
        } else {
            cell = new Cell(v);
            Cell raced = index.putIfAbsent(k, cell);
            if (raced != null) {
                prev = raced.value.bytes;
                raced.value = v;
            } else {
                map.put(key, cell);
            }
        }
        long delta = value.length + (prev == null ? key.length + ENTRY_OVERHEAD : -prev.length);
        bytes.addAndGet(delta);
    }

    /**
     * Forgets {@code key} outright (no tombstone): only for a key no older table holds. Its bloom bits
     * stay set, which costs a false positive at most.
     */
    void removeEntry(byte[] key) {
        Cell cell = index.remove(new HashKey(key, BloomFilter.hash(key)));
        if (cell != null) {
            map.remove(key);
            bytes.addAndGet(-(key.length + ENTRY_OVERHEAD + cell.value.bytes.length));
        }
    }

    byte[] get(byte[] key) {
        return get(key, BloomFilter.hash(key));
    }

    /** The entry for {@code key}, whose {@link BloomFilter#hash} is {@code hash}, or null. */
    byte[] get(byte[] key, long hash) {
        Cell cell = cell(key, hash);
        return cell == null ? null : cell.value.bytes;
    }

    /** The decoded sibling set stored for {@code key} when the writer left one, else null. */
    SiblingSet decoded(byte[] key, long hash) {
        Cell cell = cell(key, hash);
        return cell == null ? null : cell.value.decoded;
    }

    private Cell cell(byte[] key, long hash) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 0; i < PROBES; i++) {
            long bit = Integer.toUnsignedLong(h1 + i * h2) % bloomBits;
            if (((long) WORDS.getAcquire(bloom, (int) (bit >>> 6)) & (1L << bit)) == 0) {
                return null;
            }
        }
        return index.get(new HashKey(key, hash));
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
        NavigableMap<byte[], Cell> sub;
        if (from == null) {
            sub = to == null ? map : map.headMap(to, false);
        } else if (to == null) {
            sub = map.tailMap(from, true);
        } else {
            // an empty or inverted range is simply empty (subMap would throw)
            sub = Arrays.compareUnsigned(from, to) >= 0 ? map.subMap(from, true, from, false) : map.subMap(from, true, to, false);
        }
        Iterator<Map.Entry<byte[], Cell>> it = sub.entrySet().iterator();
        return new InternalIterator() {
            private Map.Entry<byte[], Cell> cur = it.hasNext() ? it.next() : null;

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
                return cur.getValue().value.bytes;
            }

            @Override
            public void next() {
                cur = it.hasNext() ? it.next() : null;
            }
        };
    }
}
