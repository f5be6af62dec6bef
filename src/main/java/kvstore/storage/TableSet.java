package kvstore.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable state of the engine: the active memtable, the frozen ones (newest first) and the
 * tables of every level (level 0 newest first, deeper levels sorted by key and not overlapping).
 * Reference counted: a reader retains the set it starts from, and the set holds a reference on every
 * table in it, so a table replaced by a compaction stays mapped until the last reader lets go.
 */
final class TableSet {
    final Memtable active;
    final List<Memtable> frozen;
    final List<List<SSTable>> levels;
    private final AtomicInteger refs = new AtomicInteger(1);

    TableSet(Memtable active, List<Memtable> frozen, List<List<SSTable>> levels) {
        this.active = active;
        this.frozen = List.copyOf(frozen);
        List<List<SSTable>> ls = new ArrayList<>(levels.size());
        for (List<SSTable> l : levels) {
            ls.add(List.copyOf(l));
        }
        this.levels = List.copyOf(ls);
        for (List<SSTable> l : this.levels) {
            for (SSTable t : l) {
                if (!t.retain()) {
                    throw new IllegalStateException("table " + t.path() + " released while still live");
                }
            }
        }
    }

    boolean retain() {
        for (;;) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            for (List<SSTable> l : levels) {
                for (SSTable t : l) {
                    t.release();
                }
            }
        }
    }

    List<List<SSTable>> mutableLevels() {
        List<List<SSTable>> ls = new ArrayList<>(levels.size());
        for (List<SSTable> l : levels) {
            ls.add(new ArrayList<>(l));
        }
        return ls;
    }

    static long bytes(List<SSTable> tables) {
        long n = 0;
        for (SSTable t : tables) {
            n += t.fileSize();
        }
        return n;
    }
}
