package kvstore.command;

import kvstore.keyspace.CollectionMeta;
import kvstore.keyspace.ValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * A list as its commands work on it: a {@link CollectionKey} whose elements sit at consecutive
 * positions.
 *
 * <p>Layout: each list element is one engine element whose element bytes are its position, a signed
 * 64-bit number written big-endian with the sign bit flipped, so that unsigned byte order (the
 * engine's) is signed numeric order. {@link CollectionMeta#head()} is the position of the first
 * element and the count is the length, so element {@code i} (0-based) is at {@code head + i}:
 * LINDEX and LSET are one read or write, LPUSH writes {@code head - 1} and moves the head, RPUSH
 * writes {@code head + count}, LRANGE walks one contiguous range of positions. Removing at either end
 * (LPOP, RPOP, LTRIM) deletes elements and moves the head; inserting or removing in the middle
 * (LINSERT, LREM) shifts the elements on the shorter side by rewriting them, which is O(n) in the
 * number of elements moved. A new list starts at head 0; positions move by at most one per push, so
 * 64 bits cannot run out.
 */
final class ListKey {
    /** Elements read per engine walk while shifting or scanning. */
    private static final int CHUNK = 128;

    private final CollectionKey ck;
    private long head;
    private long count;

    private ListKey(CollectionKey ck) {
        this.ck = ck;
        this.head = ck.meta().head();
        this.count = ck.meta().count();
    }

    /** lookupKeyRead: null if absent, WRONGTYPE for another type. */
    static ListKey read(CommandContext ctx, int db, byte[] key) {
        CollectionKey ck = CollectionKey.read(ctx, db, key, ValueType.LIST);
        return ck == null ? null : new ListKey(ck);
    }

    /** lookupKeyWrite: an empty list if absent (created by {@link #save}), WRONGTYPE for another type. */
    static ListKey write(CommandContext ctx, int db, byte[] key) {
        return new ListKey(CollectionKey.write(ctx, db, key, ValueType.LIST));
    }

    /** lookupKeyWrite without creating: null if absent. */
    static ListKey existing(CommandContext ctx, int db, byte[] key) {
        CollectionKey ck = CollectionKey.existing(ctx, db, key, ValueType.LIST);
        return ck == null ? null : new ListKey(ck);
    }

    static byte[] position(long pos) {
        long v = pos ^ Long.MIN_VALUE;
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    byte[] key() {
        return ck.key();
    }

    boolean existed() {
        return ck.existed();
    }

    long length() {
        return count;
    }

    /** The 0-based index a Redis index argument names (negative: from the end), or -1 if out of range. */
    long resolve(long index) {
        long i = index < 0 ? count + index : index;
        return i < 0 || i >= count ? -1 : i;
    }

    /** Element {@code i} (0 <= i < length). */
    byte[] get(long i) {
        return ck.get(position(head + i));
    }

    void set(long i, byte[] value) {
        ck.replace(position(head + i), value);
    }

    void pushLeft(byte[] value) {
        head--;
        count++;
        ck.insert(position(head), value);
    }

    void pushRight(byte[] value) {
        ck.insert(position(head + count), value);
        count++;
    }

    void push(boolean left, byte[] value) {
        if (left) {
            pushLeft(value);
        } else {
            pushRight(value);
        }
    }

    /** Removes and returns the first (left) or last element; the list must not be empty. */
    byte[] pop(boolean left) {
        long pos = left ? head : head + count - 1;
        byte[] p = position(pos);
        byte[] v = ck.get(p);
        if (v != null) {
            ck.removeFound(p);
        } else {
            ck.remove(p);
        }
        count--;
        if (left) {
            head++;
        }
        return v;
    }

    /** Elements {@code from..to} (inclusive, valid indexes) in order. */
    List<byte[]> range(long from, long to) {
        List<byte[]> out = new ArrayList<>((int) Math.min(to - from + 1, 1 << 16));
        ck.forEachValue(position(head + from), position(head + to + 1), out::add);
        return out;
    }

    /** Removes {@code n} elements at the left end (n <= length). */
    void trimLeft(long n) {
        for (long i = 0; i < n; i++) {
            ck.remove(position(head + i));
        }
        head += n;
        count -= n;
    }

    /** Removes {@code n} elements at the right end (n <= length). */
    void trimRight(long n) {
        for (long i = 0; i < n; i++) {
            ck.remove(position(head + count - 1 - i));
        }
        count -= n;
    }

    /** Visits elements by index from {@code start}, towards the tail or the head, until the visitor says stop. */
    void scan(long start, boolean forward, IndexVisitor visitor) {
        long i = start;
        while (i >= 0 && i < count) {
            long from = forward ? i : Math.max(0, i - CHUNK + 1);
            long to = forward ? Math.min(count - 1, i + CHUNK - 1) : i;
            List<byte[]> chunk = range(from, to);
            if (forward) {
                for (int k = 0; k < chunk.size(); k++) {
                    if (!visitor.visit(from + k, chunk.get(k))) {
                        return;
                    }
                }
                i = to + 1;
            } else {
                for (int k = chunk.size() - 1; k >= 0; k--) {
                    if (!visitor.visit(from + k, chunk.get(k))) {
                        return;
                    }
                }
                i = from - 1;
            }
        }
    }

    /** Inserts {@code value} so that it becomes element {@code i} (0 <= i <= length), shifting the shorter side. */
    void insert(long i, byte[] value) {
        if (i <= count - i) {
            // move elements 0..i-1 one position to the left
            moveRange(0, i, -1);
            head--;
        } else {
            moveRange(i, count - i, 1);
        }
        count++;
        ck.replace(position(head + i), value);
    }

    /**
     * Removes every element whose index the predicate accepts, walking from the head ({@code fromHead})
     * or the tail and stopping after {@code limit} removals (0: no limit); the survivors are compacted
     * towards the end the walk started from... and the vacated positions deleted. Returns how many went.
     */
    long removeMatching(boolean fromHead, long limit, java.util.function.Predicate<byte[]> match) {
        long[] removed = {0};
        long[] write = {fromHead ? 0 : count - 1};
        long[] stoppedAt = {-1};
        long oldCount = count;
        scan(fromHead ? 0 : count - 1, fromHead, (idx, v) -> {
            if ((limit == 0 || removed[0] < limit) && match.test(v)) {
                removed[0]++;
                return true;
            }
            if (removed[0] == 0) {
                write[0] += fromHead ? 1 : -1;
                return true;
            }
            if (limit != 0 && removed[0] >= limit) {
                // nothing more to remove: shift the rest as a block
                stoppedAt[0] = idx;
                return false;
            }
            set(write[0], v);
            write[0] += fromHead ? 1 : -1;
            return true;
        });
        long r = removed[0];
        if (r == 0) {
            return 0;
        }
        if (stoppedAt[0] >= 0) {
            long idx = stoppedAt[0];
            if (fromHead) {
                moveRange(idx, oldCount - idx, -r);
            } else {
                moveRange(0, idx + 1, r);
            }
        }
        // delete the vacated positions at the far end
        for (long k = 0; k < r; k++) {
            ck.remove(position(fromHead ? head + oldCount - 1 - k : head + k));
        }
        if (!fromHead) {
            head += r;
        }
        count = oldCount - r;
        return r;
    }

    /** Copies the {@code n} elements starting at index {@code from} by {@code delta} positions (order-safe for overlap). */
    private void moveRange(long from, long n, long delta) {
        if (n <= 0) {
            return;
        }
        if (delta < 0) {
            for (long s = from; s < from + n; s += CHUNK) {
                long e = Math.min(from + n - 1, s + CHUNK - 1);
                List<byte[]> chunk = range(s, e);
                for (int k = 0; k < chunk.size(); k++) {
                    ck.replace(position(head + s + k + delta), chunk.get(k));
                }
            }
        } else {
            for (long e = from + n - 1; e >= from; e -= CHUNK) {
                long s = Math.max(from, e - CHUNK + 1);
                List<byte[]> chunk = range(s, e);
                for (int k = chunk.size() - 1; k >= 0; k--) {
                    ck.replace(position(head + s + k + delta), chunk.get(k));
                }
            }
        }
    }

    static long positionOf(byte[] element) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (element[i] & 0xff);
        }
        return v ^ Long.MIN_VALUE;
    }

    /**
     * Puts a list that replicas changed concurrently back into this class's layout (consecutive
     * positions, one value each), in an order every replica agrees on: positions in order, and the
     * values pushed at one position concurrently oldest first (values set there concurrently, by
     * LSET, are one element: see {@link kvstore.keyspace.Keyspace#insertElement}). Pushes on both sides of a partition
     * therefore all survive; pops left gaps that close up. Rewrites the elements only if they are not
     * already consecutive; holds the whole list in memory while it does.
     */
    static void normalize(CollectionKey ck) {
        List<Long> positions = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        boolean[] consecutive = {true};
        ck.forEachValues((element, vals) -> {
            long pos = positionOf(element);
            if (vals.size() > 1 || (!positions.isEmpty() && pos != positions.get(positions.size() - 1) + 1)) {
                consecutive[0] = false;
            }
            positions.add(pos);
            values.addAll(vals);
            return true;
        });
        long head = positions.isEmpty() ? 0 : positions.get(0);
        if (!consecutive[0]) {
            for (int i = 0; i < values.size(); i++) {
                ck.replace(position(head + i), values.get(i));
            }
            for (long pos : positions) {
                if (pos >= head + values.size()) {
                    ck.remove(position(pos));
                }
            }
        }
        ck.meta(new CollectionMeta(values.size(), ck.meta().flags(), head));
    }

    /** Writes the key entry back (deleting the key if the list is now empty). */
    void save() {
        CollectionMeta m = ck.meta();
        ck.meta(new CollectionMeta(count, m.flags(), count == 0 ? 0 : head));
        ck.save();
    }

    @FunctionalInterface
    interface IndexVisitor {
        boolean visit(long index, byte[] value);
    }
}
