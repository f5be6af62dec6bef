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
    /** Rough per-entry overhead of a skip-list node, its entry and the two arrays, for the size estimate. */
    static final int ENTRY_OVERHEAD = 64;

    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final AtomicLong bytes = new AtomicLong();
    private final long firstSegment;

    Memtable(long firstSegment) {
        this.firstSegment = firstSegment;
    }

    /** The first commit-log segment holding this memtable's writes. */
    long firstSegment() {
        return firstSegment;
    }

    void put(byte[] key, byte[] value) {
        byte[] prev = map.put(key, value);
        long delta = value.length + (prev == null ? key.length + ENTRY_OVERHEAD : -prev.length);
        bytes.addAndGet(delta);
    }

    byte[] get(byte[] key) {
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
        NavigableMap<byte[], byte[]> sub = from == null ? map
                : to == null ? map.tailMap(from, true) : map.subMap(from, true, to, false);
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
