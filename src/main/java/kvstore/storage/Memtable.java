package kvstore.storage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory sorted table of recent writes: key to encoded sibling set (or
 * {@link InternalIterator#TOMBSTONE}), ordered by unsigned key bytes. Holding encoded bytes keeps the
 * heap footprint close to the size estimate and makes a flush a plain copy.
 */
final class Memtable {
    /**
     * Per-entry heap overhead for the size estimate, beyond the key and value bytes: the entry's share
     * of the ordered index's leaves (offset, head, slot, spare room) and inner nodes, the hash index
     * slots, the cell and its entry array's header. Measured at 120-122 bytes per string key and
     * 134-136 per set member, inserted in random or in key order (heap after a full GC, before and
     * after loading a million of each into one memtable), so {@code memtable-size} bounds the heap the
     * memtable really takes. (The same measurement gave 142 and 154 with the skip list the tree
     * replaced, whose estimate was 144; before that it was 256, which flushed memtables at about 60%
     * of their size.)
     */
    static final int ENTRY_OVERHEAD = 136;

    /**
     * Keys are indexed twice: a B+tree ({@link CellTree}) keeps storage order for flushes and range
     * walks, and a hash index answers point reads and overwrites, since even the tree's search misses
     * the CPU cache a few times over a memtable bigger than the caches. Both point at the same cell, so
     * only a new key or a removal touches the tree. Writes come one at a time (the engine's write
     * lock); reads, walks included, come from any thread without locks.
     */
    private final CellTree tree = new CellTree();
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
            tree.put(key, cell);
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
            tree.remove(key, cell);
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
        return tree.size();
    }

    boolean isEmpty() {
        return tree.isEmpty();
    }

    /** A walk over {@code [from, to)} (null bounds are open); an empty or inverted range is empty. */
    InternalIterator iterator(byte[] from, byte[] to) {
        CellTree.Cursor cursor = tree.cursor(from, to);
        return new InternalIterator() {
            private MemCell cell;
            /** The cell's entry when the walk reached it: fixes whether the value is a tombstone. */
            private byte[] entry;
            /** The current key, copied out of the tree's leaf when first asked for. */
            private byte[] key;

            {
                next();
            }

            @Override
            public boolean valid() {
                return cell != null;
            }

            @Override
            public byte[] key() {
                if (key == null && cell != null) {
                    key = cursor.key();
                }
                return key;
            }

            @Override
            public byte[] value() {
                return cell.valueOf(entry);
            }

            @Override
            public boolean tombstone() {
                return entry.length == cell.keyLength;
            }

            @Override
            public byte[] winnerValue() {
                return cell.winnerValueOf(entry);
            }

            /** Steps to the next cell that still holds a value (one removed meanwhile is skipped). */
            @Override
            public void next() {
                key = null;
                while (cursor.next()) {
                    MemCell c = cursor.cell();
                    byte[] e = c.entry();
                    if (e != null) {
                        cell = c;
                        entry = e;
                        return;
                    }
                }
                cell = null;
                entry = null;
            }
        };
    }
}
