package kvstore.storage;

import java.util.Arrays;
import java.util.List;

/** Walks the tables of one level (sorted, not overlapping) as one run, opening each table in turn. */
final class LevelIterator implements InternalIterator {
    private final List<SSTable> tables;
    private final byte[] to;
    private int index;
    private InternalIterator current;

    /** A walk over the level's keys in {@code [from, to)}; null bounds are open. */
    LevelIterator(List<SSTable> tables, byte[] from, byte[] to) {
        this.tables = tables;
        this.to = to;
        // the first table that ends at or after from (binary search: the tables are sorted)
        int lo = 0;
        int hi = tables.size();
        while (from != null && lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(tables.get(mid).lastKey(), from) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        index = lo;
        current = open(from);
        skipExhausted();
    }

    /** An iterator over table {@code index} from {@code from}, or null if there is none or it starts at or after {@code to}. */
    private InternalIterator open(byte[] from) {
        return index < tables.size() && tables.get(index).intersects(from, to) ? tables.get(index).iterator(from, to) : null;
    }

    private void skipExhausted() {
        while (current != null && !current.valid()) {
            index++;
            current = open(null);
        }
    }

    @Override
    public boolean valid() {
        return current != null;
    }

    @Override
    public byte[] key() {
        return current.key();
    }

    @Override
    public byte[] value() {
        return current.value();
    }

    @Override
    public boolean tombstone() {
        return current.tombstone();
    }

    @Override
    public byte[] winnerValue() {
        return current.winnerValue();
    }

    @Override
    public void next() {
        current.next();
        skipExhausted();
    }
}
