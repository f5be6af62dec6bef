package kvstore.command;

import kvstore.keyspace.CollectionMeta;
import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.MOVABLE_KEYS;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;
import static kvstore.command.ZSetCommands.spec;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, following Redis 7.0's
 * zunionInterDiffGenericCommand: inputs may be sorted sets or plain sets (every set member scores
 * 1), WEIGHTS multiply scores (NaN becomes 0), AGGREGATE SUM/MIN/MAX combines them (a SUM of +inf
 * and -inf is 0), and the result is in score order.
 *
 * <p>A plain set's members are read as its element bytes (a set is assumed to store each member
 * as one element whose bytes are the member itself).
 *
 * <p>The STORE forms only lock their destination (key positions 1,1,1 as Redis reports them); the
 * sources are read through their score index, as any reader reads them.
 */
final class ZSetAlgebra {
    private static final int SUM = 0;
    private static final int MIN = 1;
    private static final int MAX = 2;

    private enum Op { UNION, INTER, DIFF }

    /** Redis's skiplist order: by score (-0.0 equal to 0.0), then by member bytes. */
    static final Comparator<ZSetStore.Item> ORDER = (x, y) -> x.score() < y.score() ? -1
            : x.score() > y.score() ? 1 : Arrays.compareUnsigned(x.member(), y.member());

    private final CommandContext ctx;
    private final Keyspace ks;

    ZSetAlgebra(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(spec("zunion", -3, (s, a) -> run(s, a, false, Op.UNION, false), "read", "slow")
                .keyFinder(KeyFinder.counted(1)).flags(READONLY, MOVABLE_KEYS)
                .doc("Add multiple sorted sets", "6.2.0").build());
        t.add(spec("zinter", -3, (s, a) -> run(s, a, false, Op.INTER, false), "read", "slow")
                .keyFinder(KeyFinder.counted(1)).flags(READONLY, MOVABLE_KEYS)
                .doc("Intersect multiple sorted sets", "6.2.0").build());
        t.add(spec("zdiff", -3, (s, a) -> run(s, a, false, Op.DIFF, false), "read", "slow")
                .keyFinder(KeyFinder.counted(1)).flags(READONLY, MOVABLE_KEYS)
                .doc("Subtract multiple sorted sets", "6.2.0").build());
        t.add(spec("zintercard", -3, (s, a) -> run(s, a, false, Op.INTER, true), "read", "slow")
                .keyFinder(KeyFinder.counted(1)).flags(READONLY, MOVABLE_KEYS)
                .doc("Intersect multiple sorted sets and return the cardinality of the result", "7.0.0").build());
        t.add(spec("zunionstore", -4, (s, a) -> run(s, a, true, Op.UNION, false), "write", "slow")
                .keyFinder(KeyFinder.counted(2, 1)).flags(WRITE, DENYOOM, MOVABLE_KEYS).keys(1, 1, 1)
                .doc("Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0").build());
        t.add(spec("zinterstore", -4, (s, a) -> run(s, a, true, Op.INTER, false), "write", "slow")
                .keyFinder(KeyFinder.counted(2, 1)).flags(WRITE, DENYOOM, MOVABLE_KEYS).keys(1, 1, 1)
                .doc("Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0").build());
        t.add(spec("zdiffstore", -4, (s, a) -> run(s, a, true, Op.DIFF, false), "write", "slow")
                .keyFinder(KeyFinder.counted(2, 1)).flags(WRITE, DENYOOM, MOVABLE_KEYS).keys(1, 1, 1)
                .doc("Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0").build());
    }

    /** One input: its key, type (null if missing), member count and weight. */
    private static final class Source {
        final byte[] key;
        final ValueType type;
        final long size;
        double weight = 1.0;
        ZSetStore zset;

        Source(byte[] key, ValueType type, long size) {
            this.key = key;
            this.type = type;
            this.size = size;
        }
    }

    private Reply run(Session s, byte[][] a, boolean store, Op op, boolean cardOnly) {
        int db = s.db();
        int numIdx = store ? 2 : 1;
        long setnum;
        try {
            setnum = Args.longValue(a[numIdx]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_INTEGER;
        }
        if (setnum < 1) {
            return ErrorReply.err("at least 1 input key is needed for '"
                    + Args.str(a[0]).toLowerCase(java.util.Locale.ROOT) + "' command");
        }
        if (setnum > a.length - (numIdx + 1)) {
            return ErrorReply.SYNTAX;
        }
        int n = (int) setnum;
        Source[] src = new Source[n];
        int j = numIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Entry e = ks.get(db, a[j]);
            if (e == null) {
                ctx.stats().miss();
                src[i] = new Source(a[j], null, 0);
                continue;
            }
            ctx.stats().hit();
            if (e.type() != ValueType.ZSET && e.type() != ValueType.SET) {
                throw new WrongTypeException();
            }
            src[i] = new Source(a[j], e.type(), CollectionMeta.decode(e.value()).count());
        }
        int aggregate = SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < a.length) {
            int remaining = a.length - j;
            if (op != Op.DIFF && !cardOnly && remaining >= n + 1 && Args.is(a[j], "weights")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    try {
                        src[i].weight = ZScore.parse(a[j]);
                    } catch (NumberFormatException e) {
                        return ErrorReply.err("weight value is not a float");
                    }
                }
            } else if (op != Op.DIFF && !cardOnly && remaining >= 2 && Args.is(a[j], "aggregate")) {
                byte[] how = a[j + 1];
                if (Args.is(how, "sum")) {
                    aggregate = SUM;
                } else if (Args.is(how, "min")) {
                    aggregate = MIN;
                } else if (Args.is(how, "max")) {
                    aggregate = MAX;
                } else {
                    return ErrorReply.SYNTAX;
                }
                j += 2;
            } else if (remaining >= 1 && !store && !cardOnly && Args.is(a[j], "withscores")) {
                j++;
                withScores = true;
            } else if (cardOnly && remaining >= 2 && Args.is(a[j], "limit")) {
                long l = Args.parseLong(a[j + 1]);
                if ((l == Args.INVALID && !Args.isLong(a[j + 1])) || l < 0) {
                    return ErrorReply.err("LIMIT can't be negative");
                }
                limit = l;
                j += 2;
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        for (Source x : src) {
            if (x.type == ValueType.ZSET) {
                x.zset = ZSetStore.existing(ctx, db, x.key);
            }
        }
        if (op != Op.DIFF) {
            // smallest first, as Redis sorts its inputs (a stable sort keeps equal sizes in order)
            Arrays.sort(src, Comparator.comparingLong(x -> x.size));
        }
        List<ZSetStore.Item> result;
        if (op == Op.UNION) {
            result = union(db, src, aggregate);
        } else if (op == Op.INTER) {
            result = inter(db, src, aggregate, cardOnly, limit);
            if (cardOnly) {
                return IntegerReply.of(result.size());
            }
        } else {
            result = diff(db, src);
        }
        result.sort(ORDER);
        if (store) {
            return IntegerReply.of(store(ctx, db, a[1], result));
        }
        return ZReplies.items(result, withScores, s.protocol());
    }

    private List<ZSetStore.Item> union(int db, Source[] src, int aggregate) {
        Map<ByteBuffer, ZSetStore.Item> acc = new HashMap<>();
        for (Source x : src) {
            if (x.size == 0) {
                continue;
            }
            forEach(db, x, (m, sc) -> {
                double score = x.weight * sc;
                if (Double.isNaN(score)) {
                    score = 0;
                }
                ByteBuffer k = ByteBuffer.wrap(m);
                ZSetStore.Item old = acc.get(k);
                acc.put(k, new ZSetStore.Item(m, old == null ? score : aggregate(old.score(), score, aggregate)));
                return true;
            });
        }
        return new ArrayList<>(acc.values());
    }

    private List<ZSetStore.Item> inter(int db, Source[] src, int aggregate, boolean cardOnly, long limit) {
        List<ZSetStore.Item> out = new ArrayList<>();
        if (src[0].size == 0) {
            return out;
        }
        forEach(db, src[0], (m, sc) -> {
            double score = src[0].weight * sc;
            if (Double.isNaN(score)) {
                score = 0;
            }
            for (int i = 1; i < src.length; i++) {
                Double v = scoreIn(db, src[i], m);
                if (v == null) {
                    return true;
                }
                score = aggregate(score, v * src[i].weight, aggregate);
            }
            out.add(new ZSetStore.Item(m, score));
            return !(cardOnly && limit > 0 && out.size() >= limit);
        });
        return out;
    }

    private List<ZSetStore.Item> diff(int db, Source[] src) {
        List<ZSetStore.Item> out = new ArrayList<>();
        if (src[0].size == 0) {
            return out;
        }
        forEach(db, src[0], (m, sc) -> {
            for (int i = 1; i < src.length; i++) {
                if (scoreIn(db, src[i], m) != null) {
                    return true;
                }
            }
            out.add(new ZSetStore.Item(m, sc));
            return true;
        });
        return out;
    }

    /** zunionInterAggregate. */
    private static double aggregate(double target, double val, int how) {
        if (how == SUM) {
            double r = target + val;
            return Double.isNaN(r) ? 0.0 : r;
        }
        if (how == MIN) {
            return val < target ? val : target;
        }
        return val > target ? val : target;
    }

    private void forEach(int db, Source x, ZSetStore.ItemVisitor v) {
        if (x.type == ValueType.ZSET) {
            x.zset.walk(null, v);
        } else if (x.type == ValueType.SET) {
            ks.elements(db, x.key, null, null, (element, value) -> v.visit(SetCommands.member(element), 1.0));
        }
    }

    private Double scoreIn(int db, Source x, byte[] member) {
        if (x.type == ValueType.ZSET) {
            return x.zset.score(member);
        }
        if (x.type == ValueType.SET) {
            return ks.element(db, x.key, SetCommands.element(member)) != null ? 1.0 : null;
        }
        return null;
    }

    /**
     * Replaces {@code dst} with a sorted set of {@code items} (deleting it if there are none) and
     * returns its size. The encoding is the one Redis ends with: listpack unless there are more than
     * zset-max-listpack-entries members or one is longer than zset-max-listpack-value bytes; a
     * listpack turns -0 into 0, as it does on insert.
     */
    static long store(CommandContext ctx, int db, byte[] dst, List<ZSetStore.Item> items) {
        ctx.keyspace().delete(db, dst);
        if (items.isEmpty()) {
            return 0;
        }
        long maxValue = ZSetStore.maxValue(ctx);
        boolean big = items.size() > ZSetStore.maxEntries(ctx);
        for (ZSetStore.Item it : items) {
            big |= it.member().length > maxValue;
        }
        ZSetStore z = ZSetStore.write(ctx, db, dst);
        if (big) {
            z.markBig();
        }
        for (ZSetStore.Item it : items) {
            double score = !big && it.score() == 0 ? 0.0 : it.score();
            z.set(it.member(), score, null);
        }
        z.save();
        return z.size();
    }
}
