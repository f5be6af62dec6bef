package kvstore.command;

import kvstore.keyspace.KeyLocks;
import kvstore.keyspace.ReplyException;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static kvstore.command.CommandFlag.BLOCKING;
import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.MOVABLE_KEYS;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * The list commands of Redis 7.0 (t_list.c), over {@link ListKey}. The blocking variants answer at
 * once when a key can serve them and otherwise return {@link Blocked}; {@link BlockingKeys} runs them
 * again when a key they wait on is written. Redis checks arguments, then types, in a fixed order per
 * command; the methods keep that order so the same request gets the same error.
 */
final class ListCommands {
    private static final ErrorReply NOT_POSITIVE = ErrorReply.err("value is out of range, must be positive");
    private static final ErrorReply INDEX_RANGE = ErrorReply.err("index out of range");

    private final CommandContext ctx;

    ListCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(spec("lpush", -3, (s, a) -> push(s, a, true, false), "write").flags(WRITE, DENYOOM, FAST)
                .keys(1, 1, 1).doc("Prepend one or multiple elements to a list", "1.0.0").build());
        t.add(spec("rpush", -3, (s, a) -> push(s, a, false, false), "write").flags(WRITE, DENYOOM, FAST)
                .keys(1, 1, 1).doc("Append one or multiple elements to a list", "1.0.0").build());
        t.add(spec("lpushx", -3, (s, a) -> push(s, a, true, true), "write").flags(WRITE, DENYOOM, FAST)
                .keys(1, 1, 1).doc("Prepend an element to a list, only if the list exists", "2.2.0").build());
        t.add(spec("rpushx", -3, (s, a) -> push(s, a, false, true), "write").flags(WRITE, DENYOOM, FAST)
                .keys(1, 1, 1).doc("Append an element to a list, only if the list exists", "2.2.0").build());
        t.add(spec("lpop", -2, (s, a) -> pop(s, a, true), "write").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Remove and get the first elements in a list", "1.0.0").build());
        t.add(spec("rpop", -2, (s, a) -> pop(s, a, false), "write").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Remove and get the last elements in a list", "1.0.0").build());
        t.add(spec("llen", 2, this::llen, "read").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Get the length of a list", "1.0.0").build());
        t.add(spec("lrange", 4, this::lrange, "read").flags(READONLY).keys(1, 1, 1)
                .doc("Get a range of elements from a list", "1.0.0").build());
        t.add(spec("lindex", 3, this::lindex, "read").flags(READONLY).keys(1, 1, 1)
                .doc("Get an element from a list by its index", "1.0.0").build());
        t.add(spec("lset", 4, this::lset, "write").flags(WRITE, DENYOOM).keys(1, 1, 1)
                .doc("Set the value of an element in a list by its index", "1.0.0").build());
        t.add(spec("linsert", 5, this::linsert, "write").flags(WRITE, DENYOOM).keys(1, 1, 1)
                .doc("Insert an element before or after another element in a list", "2.2.0").build());
        t.add(spec("lrem", 4, this::lrem, "write").flags(WRITE).keys(1, 1, 1)
                .doc("Remove elements from a list", "1.0.0").build());
        t.add(spec("ltrim", 4, this::ltrim, "write").flags(WRITE).keys(1, 1, 1)
                .doc("Trim a list to the specified range", "1.0.0").build());
        t.add(spec("lpos", -3, this::lpos, "read").flags(READONLY).keys(1, 1, 1)
                .doc("Return the index of matching elements on a list", "6.0.6").build());
        t.add(spec("lmove", 5, this::lmove, "write").flags(WRITE, DENYOOM).keys(1, 2, 1)
                .doc("Pop an element from a list, push it to another list and return it", "6.2.0").build());
        t.add(spec("rpoplpush", 3, this::rpoplpush, "write").flags(WRITE, DENYOOM).keys(1, 2, 1)
                .doc("Remove the last element in a list, prepend it to another list and return it", "1.2.0")
                .build());
        t.add(spec("lmpop", -4, this::lmpop, "write").keyFinder(KeyFinder.counted(1)).flags(WRITE, MOVABLE_KEYS)
                .doc("Pop elements from a list", "7.0.0").build());
        t.add(spec("blpop", -3, (s, a) -> bpop(s, a, true), "write").flags(WRITE, BLOCKING).keys(1, -2, 1)
                .doc("Remove and get the first element in a list, or block until one is available", "2.0.0")
                .build());
        t.add(spec("brpop", -3, (s, a) -> bpop(s, a, false), "write").flags(WRITE, BLOCKING).keys(1, -2, 1)
                .doc("Remove and get the last element in a list, or block until one is available", "2.0.0")
                .build());
        t.add(spec("blmove", 6, this::blmove, "write").flags(WRITE, DENYOOM, BLOCKING).keys(1, 2, 1)
                .doc("Pop an element from a list, push it to another list and return it; or block until one "
                        + "is available", "6.2.0").build());
        t.add(spec("brpoplpush", 4, this::brpoplpush, "write").flags(WRITE, DENYOOM, BLOCKING).keys(1, 2, 1)
                .doc("Pop an element from a list, push it to another list and return it; or block until one "
                        + "is available", "2.2.0").build());
        t.add(spec("blmpop", -5, this::blmpop, "write")
                .keyFinder(KeyFinder.counted(2)).flags(WRITE, BLOCKING, MOVABLE_KEYS)
                .doc("Pop elements from a list, or block until one is available", "7.0.0").build());
    }

    private static CommandSpec.Builder spec(String name, int arity, Command command, String access) {
        return CommandSpec.builder(name, arity, command).categories(access, "list").group("list");
    }

    // ---- push and pop ----

    private Reply push(Session s, byte[][] a, boolean left, boolean onlyExisting) {
        ListKey l = ListKey.write(ctx, s.db(), a[1]);
        if (onlyExisting && !l.existed()) {
            return IntegerReply.ZERO;
        }
        for (int i = 2; i < a.length; i++) {
            l.push(left, a[i]);
        }
        l.save();
        return IntegerReply.of(l.length());
    }

    private Reply pop(Session s, byte[][] a, boolean left) {
        if (a.length > 3) {
            return ErrorReply.err("wrong number of arguments for '" + (left ? "lpop" : "rpop") + "' command");
        }
        boolean hasCount = a.length == 3;
        long count = 0;
        if (hasCount) {
            count = nonNegative(a[2]);
            if (count < 0) {
                return NOT_POSITIVE;
            }
        }
        ListKey l = ListKey.existing(ctx, s.db(), a[1]);
        if (l == null) {
            return hasCount ? NullReply.ARRAY : NullReply.BULK;
        }
        if (hasCount && count == 0) {
            return ArrayReply.EMPTY;
        }
        if (!hasCount) {
            byte[] v = l.pop(left);
            l.save();
            return new BulkReply(v);
        }
        List<Reply> out = popMany(l, left, count);
        l.save();
        return ArrayReply.of(out);
    }

    private static List<Reply> popMany(ListKey l, boolean left, long count) {
        long n = Math.min(count, l.length());
        List<Reply> out = new ArrayList<>((int) Math.min(n, 1 << 16));
        for (long i = 0; i < n; i++) {
            out.add(new BulkReply(l.pop(left)));
        }
        return out;
    }

    /** The number, negative if it is negative or malformed (Redis answers both with one error). */
    private static long nonNegative(byte[] arg) {
        long v = Args.parseLong(arg);
        return v == Args.INVALID ? -1 : v;
    }

    // ---- reading ----

    private Reply llen(Session s, byte[][] a) {
        ListKey l = ListKey.read(ctx, s.db(), a[1]);
        return l == null ? IntegerReply.ZERO : IntegerReply.of(l.length());
    }

    private Reply lrange(Session s, byte[][] a) {
        long[] se = IndexRange.parse(a[2], a[3]);
        ListKey l = ListKey.read(ctx, s.db(), a[1]);
        if (l == null) {
            return ArrayReply.EMPTY;
        }
        IndexRange r = IndexRange.of(se[0], se[1], l.length());
        if (r == null) {
            return ArrayReply.EMPTY;
        }
        return ArrayReply.ofBulks(l.range(r.start(), r.end()));
    }

    private Reply lindex(Session s, byte[][] a) {
        ListKey l = ListKey.read(ctx, s.db(), a[1]);
        if (l == null) {
            return NullReply.BULK;
        }
        long index;
        try {
            index = Args.longValue(a[2]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_INTEGER;
        }
        long i = l.resolve(index);
        return i < 0 ? NullReply.BULK : new BulkReply(l.get(i));
    }

    private Reply lpos(Session s, byte[][] a) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < a.length; j++) {
            boolean more = j < a.length - 1;
            if (Args.is(a[j], "rank") && more) {
                j++;
                try {
                    rank = Args.longValue(a[j]);
                } catch (NumberFormatException e) {
                    return ErrorReply.NOT_INTEGER;
                }
                if (rank == 0) {
                    return ErrorReply.err("RANK can't be zero: use 1 to start from the first match, 2 from the "
                            + "second ... or use negative to start from the end of the list");
                }
            } else if (Args.is(a[j], "count") && more) {
                j++;
                count = nonNegative(a[j]);
                if (count < 0) {
                    return ErrorReply.err("COUNT can't be negative");
                }
            } else if (Args.is(a[j], "maxlen") && more) {
                j++;
                maxlen = nonNegative(a[j]);
                if (maxlen < 0) {
                    return ErrorReply.err("MAXLEN can't be negative");
                }
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        boolean forward = true;
        if (rank < 0) {
            rank = -rank; // Long.MIN_VALUE stays negative, as in Redis: every match then qualifies
            forward = false;
        }
        ListKey l = ListKey.read(ctx, s.db(), a[1]);
        if (l == null) {
            return count != -1 ? ArrayReply.EMPTY : NullReply.BULK;
        }
        byte[] element = a[2];
        long len = l.length();
        long r = rank;
        long c = count;
        long max = maxlen;
        boolean fwd = forward;
        List<Reply> found = new ArrayList<>();
        long[] state = {0, 0, -1}; // scanned, matches, last match index
        l.scan(forward ? 0 : len - 1, forward, (idx, v) -> {
            if (max != 0 && state[0] >= max) {
                return false;
            }
            state[0]++;
            if (Arrays.equals(v, element)) {
                state[1]++;
                if (state[1] >= r) {
                    if (c != -1) {
                        found.add(IntegerReply.of(idx));
                        return c == 0 || state[1] - r + 1 < c;
                    }
                    state[2] = idx;
                    return false;
                }
            }
            return true;
        });
        if (count != -1) {
            return ArrayReply.of(found);
        }
        return state[2] >= 0 ? IntegerReply.of(state[2]) : NullReply.BULK;
    }

    // ---- changing in place ----

    private Reply lset(Session s, byte[][] a) {
        ListKey l = ListKey.existing(ctx, s.db(), a[1]);
        if (l == null) {
            return ErrorReply.NO_SUCH_KEY;
        }
        long index;
        try {
            index = Args.longValue(a[2]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_INTEGER;
        }
        long i = l.resolve(index);
        if (i < 0) {
            return INDEX_RANGE;
        }
        l.set(i, a[3]);
        return SimpleReply.OK;
    }

    private Reply linsert(Session s, byte[][] a) {
        boolean after;
        if (Args.is(a[2], "after")) {
            after = true;
        } else if (Args.is(a[2], "before")) {
            after = false;
        } else {
            return ErrorReply.SYNTAX;
        }
        ListKey l = ListKey.existing(ctx, s.db(), a[1]);
        if (l == null) {
            return IntegerReply.ZERO;
        }
        byte[] pivot = a[3];
        long[] at = {-1};
        l.scan(0, true, (idx, v) -> {
            if (Arrays.equals(v, pivot)) {
                at[0] = idx;
                return false;
            }
            return true;
        });
        if (at[0] < 0) {
            return IntegerReply.MINUS_ONE;
        }
        l.insert(after ? at[0] + 1 : at[0], a[4]);
        l.save();
        return IntegerReply.of(l.length());
    }

    private Reply lrem(Session s, byte[][] a) {
        long count;
        try {
            count = Args.longValue(a[2]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_INTEGER;
        }
        ListKey l = ListKey.existing(ctx, s.db(), a[1]);
        if (l == null) {
            return IntegerReply.ZERO;
        }
        byte[] element = a[3];
        long limit = count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
        long removed = l.removeMatching(count >= 0, limit, v -> Arrays.equals(v, element));
        l.save();
        return IntegerReply.of(removed);
    }

    private Reply ltrim(Session s, byte[][] a) {
        long[] se = IndexRange.parse(a[2], a[3]);
        ListKey l = ListKey.existing(ctx, s.db(), a[1]);
        if (l == null) {
            return SimpleReply.OK;
        }
        long len = l.length();
        IndexRange r = IndexRange.of(se[0], se[1], len);
        long ltrim = r == null ? len : r.start();
        long rtrim = r == null ? 0 : len - r.end() - 1;
        l.trimLeft(ltrim);
        l.trimRight(rtrim);
        l.save();
        return SimpleReply.OK;
    }

    // ---- moving between lists ----

    /** LEFT or RIGHT; null (a syntax error) otherwise. */
    private static Boolean side(byte[] arg) {
        if (Args.is(arg, "left")) {
            return Boolean.TRUE;
        }
        if (Args.is(arg, "right")) {
            return Boolean.FALSE;
        }
        return null;
    }

    private Reply lmove(Session s, byte[][] a) {
        Boolean from = side(a[3]);
        Boolean to = from == null ? null : side(a[4]);
        if (to == null) {
            return ErrorReply.SYNTAX;
        }
        return move(s, a[1], a[2], from, to);
    }

    private Reply rpoplpush(Session s, byte[][] a) {
        return move(s, a[1], a[2], false, true);
    }

    /** Redis's lmoveGenericCommand: null if the source is absent; WRONGTYPE for either key. */
    private Reply move(Session s, byte[] src, byte[] dst, boolean fromLeft, boolean toLeft) {
        ListKey source = ListKey.existing(ctx, s.db(), src);
        if (source == null) {
            return NullReply.BULK;
        }
        boolean same = Arrays.equals(src, dst);
        ListKey target = same ? source : ListKey.write(ctx, s.db(), dst);
        byte[] v = source.pop(fromLeft);
        target.push(toLeft, v);
        source.save();
        if (!same) {
            target.save();
        }
        return new BulkReply(v);
    }

    private Reply lmpop(Session s, byte[][] a) {
        return mpop(s, a, 1, -1);
    }

    /**
     * LMPOP numkeys key... LEFT|RIGHT [COUNT n], also for BLMPOP (numkeys at {@code numkeysAt}, and
     * {@code timeoutMillis} >= 0 once the timeout is parsed; -1: not blocking).
     */
    private Reply mpop(Session s, byte[][] a, int numkeysAt, long timeoutMillisOrMinusOne) {
        MultiPopArgs m = MultiPopArgs.parse(a, numkeysAt, "left", "right");
        boolean left = !m.second();
        long n = m.count();
        int whereAt = m.endKey();
        long timeout = 0;
        if (timeoutMillisOrMinusOne != -1) {
            timeout = timeout(a[1]);
        }
        byte[][] keys = Arrays.copyOfRange(a, numkeysAt + 1, whereAt);
        int db = s.db();
        Reply r = locked(keys, () -> {
            for (byte[] k : keys) {
                ListKey l = ListKey.existing(ctx, db, k);
                if (l != null) {
                    List<Reply> popped = popMany(l, left, n);
                    l.save();
                    return ArrayReply.of(new BulkReply(k), ArrayReply.of(popped));
                }
            }
            return null;
        });
        if (r != null) {
            return r;
        }
        return timeoutMillisOrMinusOne == -1 ? NullReply.ARRAY : new Blocked(db, keys, timeout);
    }

    /** Runs {@code body} holding the locks of {@code keys} (commands whose keys the dispatcher cannot find). */
    private Reply locked(byte[][] keys, Supplier<Reply> body) {
        KeyLocks locks = ctx.keyspace().locks();
        int[] stripes = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            stripes[i] = KeyLocks.stripe(keys[i]);
        }
        int n = KeyLocks.normalise(stripes, keys.length);
        for (int i = 0; i < n; i++) {
            locks.lock(stripes[i]);
        }
        try {
            return body.get();
        } finally {
            for (int i = n - 1; i >= 0; i--) {
                locks.unlock(stripes[i]);
            }
        }
    }

    // ---- blocking ----

    /**
     * Redis's getTimeoutFromObjectOrReply in seconds: a float, times 1000, rounded up to whole
     * milliseconds; a value a long cannot hold ends up negative, as the C conversion does on x86.
     */
    static long timeout(byte[] arg) {
        double d;
        try {
            d = Args.doubleValue(arg);
        } catch (NumberFormatException e) {
            throw new ReplyException("ERR timeout is not a float or out of range");
        }
        double ms = Math.ceil(d * 1000.0);
        if (ms < 0 || ms >= 9.223372036854775807E18) {
            throw new ReplyException("ERR timeout is negative");
        }
        return (long) ms;
    }

    private Reply bpop(Session s, byte[][] a, boolean left) {
        long timeout = timeout(a[a.length - 1]);
        int db = s.db();
        for (int j = 1; j < a.length - 1; j++) {
            ListKey l = ListKey.existing(ctx, db, a[j]);
            if (l != null) {
                byte[] v = l.pop(left);
                l.save();
                return ArrayReply.of(new BulkReply(a[j]), new BulkReply(v));
            }
        }
        return new Blocked(db, Arrays.copyOfRange(a, 1, a.length - 1), timeout);
    }

    private Reply blmove(Session s, byte[][] a) {
        Boolean from = side(a[3]);
        Boolean to = from == null ? null : side(a[4]);
        if (to == null) {
            return ErrorReply.SYNTAX;
        }
        return bmove(s, a[1], a[2], from, to, timeout(a[5]));
    }

    private Reply brpoplpush(Session s, byte[][] a) {
        return bmove(s, a[1], a[2], false, true, timeout(a[3]));
    }

    private Reply bmove(Session s, byte[] src, byte[] dst, boolean fromLeft, boolean toLeft, long timeout) {
        Reply r = move(s, src, dst, fromLeft, toLeft);
        if (r == NullReply.BULK) {
            return new Blocked(s.db(), new byte[][] {src}, timeout);
        }
        return r;
    }

    private Reply blmpop(Session s, byte[][] a) {
        return mpop(s, a, 2, 0);
    }
}
