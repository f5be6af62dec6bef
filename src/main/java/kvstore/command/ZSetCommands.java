package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.DoubleReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * Sorted-set commands that work on members one at a time (ZADD, ZINCRBY, ZREM, ZSCORE, ZRANK,
 * ZRANDMEMBER, ZSCAN, ...), following Redis 7.0's t_zset.c. Pops live in {@link ZPopCommands}, ranges
 * in {@link ZRangeCommands}, union/intersection/difference in {@link ZSetAlgebra}; all are registered
 * from here. The storage layout is {@link ZSetStore}'s.
 */
final class ZSetCommands {
    private static final ErrorReply NAN = ErrorReply.err("resulting score is not a number (NaN)");
    private static final ErrorReply INVALID_CURSOR = ErrorReply.err("invalid cursor");

    private final CommandContext ctx;

    ZSetCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(spec("zadd", -4, this::zadd, "write", "fast").flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Add one or more members to a sorted set, or update its score if it already exists", "1.2.0").build());
        t.add(spec("zincrby", 4, this::zincrby, "write", "fast").flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Increment the score of a member in a sorted set", "1.2.0").build());
        t.add(spec("zrem", -3, this::zrem, "write", "fast").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Remove one or more members from a sorted set", "1.2.0").build());
        t.add(spec("zcard", 2, this::zcard, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Get the number of members in a sorted set", "1.2.0").build());
        t.add(spec("zscore", 3, this::zscore, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Get the score associated with the given member in a sorted set", "1.2.0").build());
        t.add(spec("zmscore", -3, this::zmscore, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Get the score associated with the given members in a sorted set", "6.2.0").build());
        t.add(spec("zrank", 3, (s, a) -> zrank(s, a, false), "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Determine the index of a member in a sorted set", "2.0.0").build());
        t.add(spec("zrevrank", 3, (s, a) -> zrank(s, a, true), "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Determine the index of a member in a sorted set, with scores ordered from high to low", "2.0.0").build());
        t.add(spec("zrandmember", -2, this::zrandmember, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Get one or multiple random elements from a sorted set", "6.2.0").build());
        t.add(spec("zscan", -3, this::zscan, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Incrementally iterate sorted sets elements and associated scores", "2.8.0").build());
        new ZPopCommands(ctx).register(t);
        new ZRangeCommands(ctx).register(t);
        new ZSetAlgebra(ctx).register(t);
    }

    /** A builder in the sorted-set group with ACL categories @access, @sortedset, @speed. */
    static CommandSpec.Builder spec(String name, int arity, Command command, String access, String speed) {
        return CommandSpec.builder(name, arity, command).categories(access, "sortedset", speed).group("sorted-set");
    }

    // ---- ZADD / ZINCRBY ----

    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;
    private static final int INCR = 16;

    private Reply zadd(Session s, byte[][] a) {
        int flags = 0;
        boolean ch = false;
        int i = 2;
        for (; i < a.length; i++) {
            if (Args.is(a[i], "nx")) {
                flags |= NX;
            } else if (Args.is(a[i], "xx")) {
                flags |= XX;
            } else if (Args.is(a[i], "ch")) {
                ch = true;
            } else if (Args.is(a[i], "incr")) {
                flags |= INCR;
            } else if (Args.is(a[i], "gt")) {
                flags |= GT;
            } else if (Args.is(a[i], "lt")) {
                flags |= LT;
            } else {
                break;
            }
        }
        int pairs = a.length - i;
        if (pairs % 2 != 0 || pairs == 0) {
            return ErrorReply.SYNTAX;
        }
        pairs /= 2;
        boolean nx = (flags & NX) != 0;
        boolean gt = (flags & GT) != 0;
        boolean lt = (flags & LT) != 0;
        if (nx && (flags & XX) != 0) {
            return ErrorReply.err("XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            return ErrorReply.err("GT, LT, and/or NX options at the same time are not compatible");
        }
        if ((flags & INCR) != 0 && pairs > 1) {
            return ErrorReply.err("INCR option supports a single increment-element pair");
        }
        double[] scores = new double[pairs];
        for (int j = 0; j < pairs; j++) {
            try {
                scores[j] = ZScore.parse(a[i + 2 * j]);
            } catch (NumberFormatException e) {
                return ErrorReply.NOT_FLOAT;
            }
        }
        return add(s, a[1], a, i, scores, flags, ch);
    }

    private Reply zincrby(Session s, byte[][] a) {
        double incr;
        try {
            incr = ZScore.parse(a[2]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_FLOAT;
        }
        return add(s, a[1], new byte[][] {a[0], a[1], a[2], a[3]}, 2, new double[] {incr}, INCR, false);
    }

    /** zaddGenericCommand after parsing: members at a[first + 1 + 2j] with scores[j]. */
    private Reply add(Session s, byte[] key, byte[][] a, int first, double[] scores, int flags, boolean ch) {
        boolean incr = (flags & INCR) != 0;
        ZSetStore z = ZSetStore.write(ctx, s.db(), key);
        if (!z.existed() && (flags & XX) != 0) {
            return incr ? NullReply.BULK : IntegerReply.ZERO;
        }
        if (!z.existed() && z.outgrows(0, a[first + 1].length)) {
            z.markBig(); // Redis creates the set as a skiplist when its first member is too long
        }
        long added = 0;
        long updated = 0;
        boolean processed = false;
        double last = 0;
        Reply error = null;
        for (int j = 0; j < scores.length; j++) {
            byte[] member = a[first + 1 + 2 * j];
            double score = scores[j];
            Double cur = z.score(member);
            if (cur != null) {
                if ((flags & NX) != 0) {
                    continue;
                }
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        error = NAN;
                        break;
                    }
                }
                if (((flags & LT) != 0 && score >= cur) || ((flags & GT) != 0 && score <= cur)) {
                    continue;
                }
                processed = true;
                last = score;
                if (score != cur) {
                    if (score == 0 && !z.big()) {
                        score = 0.0; // a listpack stores scores as text and reads "-0" back as 0
                    }
                    z.set(member, score, cur, incr ? scores[j] : Double.NaN);
                    updated++;
                } else if (z.replicated()) {
                    z.set(member, cur, cur, incr ? scores[j] : Double.NaN); // a re-add (see ZSetStore.set)
                }
            } else if ((flags & XX) == 0) {
                processed = true;
                last = score;
                // a listpack stores a score as text and reads "-0" back as 0; a skiplist keeps -0.0
                if (score == 0 && !z.big() && !z.outgrows(z.size() + 1, member.length)) {
                    score = 0.0;
                }
                z.set(member, score, null, incr ? scores[j] : Double.NaN);
                added++;
            }
        }
        z.save();
        if (error != null) {
            return error;
        }
        if (incr) {
            return processed ? new DoubleReply(last) : NullReply.BULK;
        }
        return IntegerReply.of(ch ? added + updated : added);
    }

    // ---- single-member reads and removal ----

    private Reply zrem(Session s, byte[][] a) {
        ZSetStore z = ZSetStore.existing(ctx, s.db(), a[1]);
        if (z == null) {
            return IntegerReply.ZERO;
        }
        long removed = 0;
        for (int i = 2; i < a.length; i++) {
            if (z.remove(a[i])) {
                removed++;
                if (z.size() == 0) {
                    break;
                }
            }
        }
        z.save();
        return IntegerReply.of(removed);
    }

    private Reply zcard(Session s, byte[][] a) {
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
        return IntegerReply.of(z == null ? 0 : z.size());
    }

    private Reply zscore(Session s, byte[][] a) {
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
        Double score = z == null ? null : z.score(a[2]);
        return score == null ? NullReply.BULK : new DoubleReply(score);
    }

    private Reply zmscore(Session s, byte[][] a) {
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
        List<Reply> out = new ArrayList<>(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            Double score = z == null ? null : z.score(a[i]);
            out.add(score == null ? NullReply.BULK : new DoubleReply(score));
        }
        return ArrayReply.of(out);
    }

    /** O(rank): the rank is counted by walking the score index up to the member. */
    private Reply zrank(Session s, byte[][] a, boolean reverse) {
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
        Double score = z == null ? null : z.score(a[2]);
        if (score == null) {
            return NullReply.BULK;
        }
        long rank = z.rank(a[2], score);
        return IntegerReply.of(reverse ? z.size() - 1 - rank : rank);
    }

    // ---- ZRANDMEMBER ----

    private Reply zrandmember(Session s, byte[][] a) {
        if (a.length == 2) {
            ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
            if (z == null) {
                return NullReply.BULK;
            }
            return new BulkReply(HashedElement.member(new ElementSampler(z.members()).pick()));
        }
        long count;
        try {
            count = Args.longValue(a[2]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_INTEGER;
        }
        if (count < -Long.MAX_VALUE) {
            return ErrorReply.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        boolean withScores = false;
        if (a.length > 4 || (a.length == 4 && !Args.is(a[3], "withscores"))) {
            return ErrorReply.SYNTAX;
        } else if (a.length == 4) {
            withScores = true;
            if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                return ErrorReply.err("value is out of range");
            }
        }
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
        if (z == null || count == 0) {
            return ArrayReply.EMPTY;
        }
        long size = z.size();
        List<ZSetStore.Item> picked;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (count >= size) {
            // Redis returns the whole set, iterated from the highest score down
            picked = new ArrayList<>(z.all());
            Collections.reverse(picked);
        } else if (count < 0 || count == 1) {
            // with repetitions, in random order
            int n = (int) Math.min(count < 0 ? -count : 1, Integer.MAX_VALUE - 8);
            ElementSampler sampler = new ElementSampler(z.members());
            picked = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[][] ev = sampler.pickWithValue();
                picked.add(new ZSetStore.Item(HashedElement.member(ev[0]), ZScore.decodeRaw(ev[1])));
            }
        } else {
            // distinct members (Floyd's sampling of ranks), then shuffled
            java.util.Set<Long> chosen = new java.util.HashSet<>();
            for (long j = size - count; j < size; j++) {
                long r = rnd.nextLong(j + 1);
                chosen.add(chosen.contains(r) ? j : r);
            }
            long[] ranks = chosen.stream().mapToLong(Long::longValue).toArray();
            picked = new ArrayList<>(itemsAt(z, ranks).values());
            Collections.shuffle(picked, rnd);
        }
        return ZReplies.items(picked, withScores, s.protocol());
    }

    /** The members at the given ranks, read in one walk up to the highest of them. */
    private static Map<Long, ZSetStore.Item> itemsAt(ZSetStore z, long[] ranks) {
        long[] sorted = ranks.clone();
        java.util.Arrays.sort(sorted);
        Map<Long, ZSetStore.Item> out = new HashMap<>();
        long[] pos = {0};
        int[] next = {0};
        z.walk(null, (m, sc) -> {
            long r = pos[0]++;
            if (sorted[next[0]] == r) {
                out.put(r, new ZSetStore.Item(m, sc));
                while (next[0] < sorted.length && sorted[next[0]] == r) {
                    next[0]++;
                }
            }
            return next[0] < sorted.length;
        });
        return out;
    }

    // ---- ZSCAN ----

    /**
     * ZSCAN key cursor [MATCH pattern] [COUNT count], as {@link ElementScan} walks the members. A small
     * (listpack) set is returned whole in score order with cursor 0, exactly as Redis does.
     */
    private Reply zscan(Session s, byte[][] a) {
        ZSetStore[] z = new ZSetStore[1];
        return ElementScan.scan(a, key -> {
            z[0] = ZSetStore.read(ctx, s.db(), key);
            return z[0] == null ? null : z[0].members();
        }, (member, score, out) -> {
            out.add(new BulkReply(member));
            out.add(BulkReply.of(ZScore.format(ZScore.decodeRaw(score))));
        }, members -> (match, out) -> z[0].walk(null, (m, sc) -> {
            if (match == null || match.matches(m)) {
                out.add(new BulkReply(m));
                out.add(BulkReply.of(ZScore.listpackText(sc)));
            }
            return true;
        }));
    }
}
