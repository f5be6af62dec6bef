package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.KeyLocks;
import kvstore.keyspace.ValueType;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.MOVABLE_KEYS;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * SORT and SORT_RO (Redis sort.c): the elements of a list, set or sorted set, ordered by their own
 * value or by the keys a BY pattern names, numerically or (ALPHA) by bytes, with LIMIT, GET patterns
 * ("#" for the element, "key*->field" for a hash field) and STORE into a list.
 *
 * <p>Numbers are read as C's strtod reads them (an empty string is 0; a value that is not entirely a
 * number fails the command). Equal numeric weights order by the elements' bytes, as in Redis. ALPHA
 * compares bytes (Redis uses strcoll, which is byte order in the C locale Debian's server runs in).
 * BY with a pattern without '*' does not sort: a list or sorted set keeps its order, a set its storage
 * order (kvstore's hash order, not Redis's), except with STORE, where a set is sorted
 * ALPHA so that the stored list is deterministic, as Redis does.
 */
final class SortCommand {
    private static final ErrorReply NOT_DOUBLE = ErrorReply.err("One or more scores can't be converted into double");

    private final CommandContext ctx;

    SortCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("sort", -2, (s, a) -> sort(s, a, false))
                .keyFinder(SortCommand::keys).flags(WRITE, DENYOOM, MOVABLE_KEYS)
                .keys(1, 1, 1).categories("write", "set", "sortedset", "list", "slow", "dangerous")
                .doc("Sort the elements in a list, set or sorted set", "1.0.0").build());
        t.add(CommandSpec.builder("sort_ro", -2, (s, a) -> sort(s, a, true))
                .keyFinder(SortCommand::keys).flags(READONLY, MOVABLE_KEYS)
                .keys(1, 1, 1).categories("read", "set", "sortedset", "list", "slow", "dangerous")
                .doc("Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0").build());
    }

    /**
     * Redis's sortGetKeys: the sorted key, and the last STORE's destination; LIMIT, GET and BY skip
     * their arguments.
     */
    static int[] keys(byte[][] argv) {
        int store = -1;
        for (int i = 2; i < argv.length; i++) {
            if (Args.is(argv[i], "limit")) {
                i += 2;
            } else if (Args.is(argv[i], "get") || Args.is(argv[i], "by")) {
                i += 1;
            } else if (Args.is(argv[i], "store") && i + 1 < argv.length) {
                store = i + 1;
            }
        }
        return store < 0 ? new int[] {1} : new int[] {1, store};
    }

    /** One element being sorted, with its numeric weight or its ALPHA weight (null: none, sorts first). */
    private static final class Item {
        final byte[] element;
        double score;
        byte[] by;

        Item(byte[] element) {
            this.element = element;
        }
    }

    /** The parsed options; ALPHA and BY may be overridden for a stored set (see the class comment). */
    private static final class Options {
        boolean desc;
        boolean alpha;
        long limitStart;
        long limitCount = -1;
        byte[] store;
        byte[] by;
        boolean dontSort;
        final List<byte[]> gets = new ArrayList<>();
    }

    private Reply sort(Session s, byte[][] a, boolean readonly) {
        Options o = new Options();
        for (int j = 2; j < a.length; j++) {
            int left = a.length - j - 1;
            if (Args.is(a[j], "asc")) {
                o.desc = false;
            } else if (Args.is(a[j], "desc")) {
                o.desc = true;
            } else if (Args.is(a[j], "alpha")) {
                o.alpha = true;
            } else if (Args.is(a[j], "limit") && left >= 2) {
                o.limitStart = Args.parseLong(a[j + 1]);
                o.limitCount = Args.parseLong(a[j + 2]);
                if (o.limitStart == Args.INVALID || o.limitCount == Args.INVALID) {
                    return ErrorReply.NOT_INTEGER;
                }
                j += 2;
            } else if (!readonly && Args.is(a[j], "store") && left >= 1) {
                o.store = a[++j];
            } else if (Args.is(a[j], "by") && left >= 1) {
                o.by = a[++j];
                o.dontSort = indexOf(o.by, (byte) '*', 0) < 0;
            } else if (Args.is(a[j], "get") && left >= 1) {
                o.gets.add(a[++j]);
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        int db = s.db();
        // the dispatcher holds the sorted key's lock only: the destination's is taken before reading
        // anything, in stripe order (KeyLocks#lockAlso)
        KeyLocks locks = ctx.keyspace().locks();
        int dstStripe = o.store == null ? -1 : KeyLocks.stripe(o.store);
        boolean extra = o.store != null && locks.lockAlso(dstStripe, new int[] {KeyLocks.stripe(a[1])}, 1);
        try {
            return sort(db, a[1], o);
        } finally {
            if (extra) {
                locks.unlock(dstStripe);
            }
        }
    }

    private Reply sort(int db, byte[] key, Options o) {
        Entry e = ctx.keyspace().get(db, key);
        if (e == null) {
            ctx.stats().miss();
        } else {
            ctx.stats().hit();
            if (e.type() != ValueType.LIST && e.type() != ValueType.SET && e.type() != ValueType.ZSET) {
                return ErrorReply.WRONGTYPE;
            }
        }
        ValueType type = e == null ? ValueType.LIST : e.type();
        if (o.dontSort && type == ValueType.SET && o.store != null) {
            o.dontSort = false; // a stored result must not depend on the set's order
            o.alpha = true;
            o.by = null;
        }
        List<byte[]> elements = e == null ? List.of() : load(db, key, type);
        int n = elements.size();
        long start = Math.min(Math.max(o.limitStart, 0), n);
        long count = Math.min(Math.max(o.limitCount, -1), n);
        long end = count < 0 ? n - 1 : start + count - 1;
        if (start >= n) {
            start = n - 1;
            end = n - 2;
        }
        if (end >= n) {
            end = n - 1;
        }
        List<Item> items = new ArrayList<>(n);
        for (byte[] el : elements) {
            items.add(new Item(el));
        }
        if (o.dontSort) {
            if (o.desc && type != ValueType.SET) {
                java.util.Collections.reverse(items); // a list or sorted set in reverse order
            }
        } else {
            boolean conversionError = false;
            for (Item it : items) {
                byte[] weight = o.by == null ? it.element : lookup(db, o.by, it.element);
                if (weight == null) {
                    continue;
                }
                if (o.alpha) {
                    if (o.by != null) {
                        it.by = weight;
                    }
                } else {
                    try {
                        it.score = ZScore.parseSortWeight(weight);
                    } catch (NumberFormatException x) {
                        conversionError = true;
                    }
                }
            }
            if (conversionError) {
                return NOT_DOUBLE;
            }
            items.sort(order(o.alpha, o.by != null, o.desc));
        }
        return o.store == null ? reply(db, items, start, end, o.gets) : store(db, o.store, items, start, end, o.gets);
    }

    private static Comparator<Item> order(boolean alpha, boolean byPattern, boolean desc) {
        Comparator<Item> c;
        if (!alpha) {
            c = (x, y) -> {
                int cmp = Double.compare(x.score, y.score);
                return cmp != 0 && x.score != y.score ? cmp : Arrays.compareUnsigned(x.element, y.element);
            };
        } else if (byPattern) {
            c = (x, y) -> x.by == null || y.by == null ? (x.by == y.by ? 0 : x.by == null ? -1 : 1)
                    : Arrays.compareUnsigned(x.by, y.by);
        } else {
            c = (x, y) -> Arrays.compareUnsigned(x.element, y.element);
        }
        return desc ? c.reversed() : c;
    }

    /** The elements to sort in the collection's own order (a list's, a sorted set's by score, a set's as stored). */
    private List<byte[]> load(int db, byte[] key, ValueType type) {
        List<byte[]> out = new ArrayList<>();
        switch (type) {
            case LIST -> {
                ListKey list = ListKey.existing(ctx, db, key);
                if (list != null && list.length() > 0) {
                    out.addAll(list.range(0, list.length() - 1));
                }
            }
            case ZSET -> {
                ZSetStore z = ZSetStore.existing(ctx, db, key);
                if (z != null) {
                    for (ZSetStore.Item it : z.all()) {
                        out.add(it.member());
                    }
                }
            }
            default -> {
                CollectionKey set = CollectionKey.existing(ctx, db, key, ValueType.SET);
                if (set != null) {
                    set.forEach(null, null, (element, value) -> out.add(HashedElement.member(element)));
                }
            }
        }
        return out;
    }

    private Reply reply(int db, List<Item> items, long start, long end, List<byte[]> gets) {
        List<Reply> out = new ArrayList<>();
        for (long j = start; j <= end; j++) {
            Item it = items.get((int) j);
            if (gets.isEmpty()) {
                out.add(new BulkReply(it.element));
            }
            for (byte[] pattern : gets) {
                byte[] v = lookup(db, pattern, it.element);
                out.add(v == null ? NullReply.BULK : new BulkReply(v));
            }
        }
        return ArrayReply.of(out);
    }

    /** STORE: the result replaces the destination as a list (an empty result deletes it); replies with its length. */
    private Reply store(int db, byte[] dst, List<Item> items, long start, long end, List<byte[]> gets) {
        List<byte[]> values = new ArrayList<>();
        for (long j = start; j <= end; j++) {
            Item it = items.get((int) j);
            if (gets.isEmpty()) {
                values.add(it.element);
            }
            for (byte[] pattern : gets) {
                byte[] v = lookup(db, pattern, it.element);
                values.add(v == null ? new byte[0] : v);
            }
        }
        ctx.keyspace().delete(db, dst);
        if (!values.isEmpty()) {
            ListKey out = ListKey.write(ctx, db, dst);
            for (byte[] v : values) {
                out.pushRight(v);
            }
            out.save();
        }
        if (ctx.blocking().active()) {
            ctx.blocking().touched(db, dst);
        }
        return IntegerReply.of(values.size());
    }

    /**
     * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' of the pattern is
     * replaced by the element and the key read, as a string, or with "->field" after the '*', as that
     * field of a hash. Null when the pattern has no '*', the key is missing or holds another type.
     */
    private byte[] lookup(int db, byte[] pattern, byte[] element) {
        if (pattern.length == 1 && pattern[0] == '#') {
            return element;
        }
        int star = indexOf(pattern, (byte) '*', 0);
        if (star < 0) {
            return null;
        }
        int arrow = indexOf(pattern, (byte) '-', star + 1);
        while (arrow >= 0 && !(arrow + 1 < pattern.length && pattern[arrow + 1] == '>')) {
            arrow = indexOf(pattern, (byte) '-', arrow + 1);
        }
        boolean field = arrow >= 0 && arrow + 2 < pattern.length;
        int keyEnd = field ? arrow : pattern.length;
        byte[] key = new byte[star + element.length + keyEnd - star - 1];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
        Entry e = ctx.keyspace().get(db, key);
        if (e == null) {
            ctx.stats().miss();
            return null;
        }
        ctx.stats().hit();
        if (!field) {
            return e.type() == ValueType.STRING ? e.value() : null;
        }
        if (e.type() != ValueType.HASH) {
            return null;
        }
        CollectionKey hash = CollectionKey.existing(ctx, db, key, ValueType.HASH);
        return hash == null ? null : hash.get(HashedElement.of(Arrays.copyOfRange(pattern, arrow + 2, pattern.length)));
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
