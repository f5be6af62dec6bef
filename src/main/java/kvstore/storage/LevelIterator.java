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
        int i = 0;
        if (from != null) {
            while (i < tables.size() && Arrays.compareUnsigned(tables.get(i).lastKey(), from) < 0) {
                i++;
            }
        }
        index = i;
        current = index < tables.size() ? tables.get(index).iterator(from, to) : null;
        skipExhausted();
    }

    private void skipExhausted() {
        while (current != null && !current.valid()) {
            index++;
            current = index < tables.size() && (to == null || Arrays.compareUnsigned(tables.get(index).firstKey(), to) < 0)
                    ? tables.get(index).iterator(null, to) : null;
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
