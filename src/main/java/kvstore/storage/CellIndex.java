package kvstore.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The memtable's point-read index: an open-addressing hash table from key to {@link MemCell}, written
 * by one thread at a time (the engine's write lock) and read by any number of threads without locks.
 *
 * <p>Why not a {@code ConcurrentHashMap}: a hit there walks table slot, node, key wrapper, key and
 * value holder, each a likely cache miss once the memtable outgrows the CPU caches, and point reads
 * spent most of their time waiting on those. Here a hit reads the slot, the cell (which holds the
 * key's 64-bit hash) and the cell's entry (key and value in one array): three cache misses at most.
 *
 * <p>Layout: an array of {@code capacity} cell references (a power of two), kept at most a quarter
 * full so that a lookup seldom steps to a second slot (linear probing), each step costing a look at
 * another cell. An insert stores the cell with release semantics and readers load it with acquire
 * semantics, so a reader that sees a cell sees its fields. Cells are never moved within a table: the
 * table grows (or drops cells that were removed) by building a new one and publishing it through a
 * volatile field; readers still on the old one see a consistent, if older, index. A removed cell
 * matches no key, and a key written again after its removal gets a new cell.
 */
final class CellIndex {
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(MemCell[].class);
    private static final int MIN_CAPACITY = 64;

    private record Table(MemCell[] cells, int mask) {
        Table(int capacity) {
            this(new MemCell[capacity], capacity - 1);
        }
    }

    private volatile Table table;
    /** Writer only: slots holding a cell, live or removed, and how many of those are removed. */
    private int used;
    private int removed;

    /**
     * Starts at the smallest table and doubles as keys come. (Sizing it up front for a full memtable
     * made every read that misses a fresh memtable, as reads do right after a flush, a cache miss
     * into a megabytes-large array of mostly empty slots: GET from tables about 10% slower.)
     */
    CellIndex() {
        table = new Table(MIN_CAPACITY);
    }

    private static int capacityFor(int keys) {
        int c = MIN_CAPACITY;
        while (c < (1 << 30) && c / 4 <= keys) {
            c <<= 1;
        }
        return c;
    }

    private static int start(long hash, int mask) {
        return (int) (hash ^ (hash >>> 29)) & mask;
    }

    /** The live cell of {@code key} ({@code hash} is its {@link BloomFilter#hash}), or null. */
    MemCell get(byte[] key, long hash) {
        Table t = table;
        for (int i = start(hash, t.mask); ; i = (i + 1) & t.mask) {
            MemCell c = (MemCell) CELLS.getAcquire(t.cells, i);
            if (c == null || c.holds(key, hash)) {
                return c;
            }
        }
    }

    /** Writer: adds a cell for a key the index holds no live cell of. */
    void add(MemCell cell) {
        if ((used + 1) * 4 > table.cells.length) {
            rebuild();
        }
        insert(table, cell);
        used++;
    }

    /** Writer: notes that a cell was removed (it stays until the next rebuild, where it is dropped). */
    void markRemoved() {
        removed++;
    }

    private static void insert(Table t, MemCell cell) {
        int i = start(cell.hash, t.mask);
        while (t.cells[i] != null) {
            i = (i + 1) & t.mask;
        }
        CELLS.setRelease(t.cells, i, cell);
    }

    /**
     * A new table holding the live cells only, with room for half as many again before the next
     * rebuild. (Sized for the live cells alone, a table under churn, every add matched by a removal as
     * a sorted set's index sees under ZADD, could come out just above them and fill up again within a
     * few adds: then every few adds paid a walk of the whole table.)
     */
    private void rebuild() {
        Table old = table;
        int live = used - removed;
        Table t = new Table(capacityFor(live + live / 2 + 1));
        for (int i = 0; i < old.cells.length; i++) {
            MemCell c = old.cells[i];
            if (c != null && !c.isRemoved()) {
                insert(t, c);
            }
        }
        used = live;
        removed = 0;
        table = t;
    }
}
