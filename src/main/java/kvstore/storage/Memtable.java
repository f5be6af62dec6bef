package kvstore.storage;

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
    /**
     * Per-entry heap overhead for the size estimate, beyond the key and value bytes: the skip-list
     * node and its share of index nodes, the hash index slots, the cell and its entry array's header.
     * Measured at 131 bytes per set member and 142 per string key (heap after a full GC, before and
     * after loading a million of each into one memtable), so {@code memtable-size} bounds the heap the
     * memtable really takes. (It was 256, which flushed memtables at about 60% of their size.)
     */
    static final int ENTRY_OVERHEAD = 144;

    /**
     * Keys are indexed twice: the skip list keeps storage order for flushes and range walks, and a
     * hash index answers point reads and overwrites, since a skip-list lookup over a memtable bigger
     * than the CPU caches costs a cache miss per level. Both point at the same cell. Writes come one
     * at a time (the engine's write lock); reads come from any thread.
     */
    private final ConcurrentSkipListMap<byte[], MemCell> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final CellIndex index = new CellIndex();
    private final AtomicLong bytes = new AtomicLong();
    private final long firstSegment;

    Memtable(long firstSegment) {
        this.firstSegment = firstSegment;
    }

    /** The first commit-log segment holding this memtable's writes. */
    long firstSegment() {
        return firstSegment;
    }

    /** Stores {@code value}: an encoded sibling set, or {@link InternalIterator#TOMBSTONE}. */
    void put(byte[] key, byte[] value) {
        long h = BloomFilter.hash(key);
        MemCell cell = index.get(key, h);
        long delta;
        if (cell == null) {
            cell = new MemCell(h, key, value);
            index.add(cell);
            map.put(key, cell);
            delta = key.length + ENTRY_OVERHEAD + value.length;
        } else {
            delta = value.length - cell.set(key, value);
        }
        bytes.addAndGet(delta);
    }

    /**
     * Forgets {@code key} outright (no tombstone): only for a key no older table holds. Its cell stays
     * in the hash index, matching no key, until the index is next rebuilt.
     */
    void removeEntry(byte[] key) {
        MemCell cell = index.get(key, BloomFilter.hash(key));
        if (cell != null) {
            map.remove(key, cell);
            int prev = cell.set(key, null);
            index.markRemoved();
            bytes.addAndGet(-(key.length + ENTRY_OVERHEAD + prev));
        }
    }

    byte[] get(byte[] key) {
        return get(key, BloomFilter.hash(key));
    }

    /** The entry for {@code key}, whose {@link BloomFilter#hash} is {@code hash}, or null. */
    byte[] get(byte[] key, long hash) {
        MemCell cell = index.get(key, hash);
        return cell == null ? null : cell.value();
    }

    /** The cell holding {@code key}, or null: its entry can be read without copying the value out. */
    MemCell cell(byte[] key, long hash) {
        return index.get(key, hash);
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
        NavigableMap<byte[], MemCell> sub;
        if (from == null) {
            sub = to == null ? map : map.headMap(to, false);
        } else if (to == null) {
            sub = map.tailMap(from, true);
        } else {
            // an empty or inverted range is simply empty (subMap would throw)
            sub = Arrays.compareUnsigned(from, to) >= 0 ? map.subMap(from, true, from, false) : map.subMap(from, true, to, false);
        }
        Iterator<Map.Entry<byte[], MemCell>> it = sub.entrySet().iterator();
        return new InternalIterator() {
            private byte[] key;
            private byte[] value;

            {
                next();
            }

            @Override
            public boolean valid() {
                return key != null;
            }

            @Override
            public byte[] key() {
                return key;
            }

            @Override
            public byte[] value() {
                return value;
            }

            /** Steps to the next cell that still holds a value (one removed meanwhile is skipped). */
            @Override
            public void next() {
                key = null;
                while (it.hasNext()) {
                    Map.Entry<byte[], MemCell> e = it.next();
                    byte[] v = e.getValue().value();
                    if (v != null) {
                        key = e.getKey();
                        value = v;
                        return;
                    }
                }
            }
        };
    }
}
