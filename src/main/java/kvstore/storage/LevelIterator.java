package kvstore.storage;

import java.util.Arrays;
import java.util.List;

/** Walks the tables of one level (sorted, not overlapping) as one run, opening each table in turn. */
final class LevelIterator implements InternalIterator {
    private final List<SSTable> tables;
    private int index;
    private InternalIterator current;

    LevelIterator(List<SSTable> tables, byte[] from) {
        this.tables = tables;
        int i = 0;
        if (from != null) {
            while (i < tables.size() && Arrays.compareUnsigned(tables.get(i).lastKey(), from) < 0) {
                i++;
            }
        }
        index = i;
        current = index < tables.size() ? tables.get(index).iterator(from) : null;
        skipExhausted();
    }

    private void skipExhausted() {
        while (current != null && !current.valid()) {
            index++;
            current = index < tables.size() ? tables.get(index).iterator(null) : null;
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
    public void next() {
        current.next();
        skipExhausted();
    }
}
