package kvstore.command;

import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;
import static kvstore.command.ZSetCommands.spec;

/**
 * The range commands of sorted sets: ZRANGE (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES) and its older
 * spellings, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*, parsed as Redis 7.0's
 * zrangeGenericCommand and zremrangeGenericCommand do. Forward ranges walk the score index from
 * their start; reverse ranges collect the forward range and turn it round.
 */
final class ZRangeCommands {
    private static final ErrorReply NOT_FLOAT_RANGE = ErrorReply.err("min or max is not a float");
    private static final ErrorReply NOT_LEX_RANGE = ErrorReply.err("min or max not valid string range item");

    private enum Type { AUTO, RANK, SCORE, LEX }

    private enum Direction { AUTO, FORWARD, REVERSE }

    private final CommandContext ctx;

    ZRangeCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(spec("zrange", -4, (s, a) -> range(s, a, 1, false, Type.AUTO, Direction.AUTO), "read", "slow")
                .flags(READONLY).keys(1, 1, 1).doc("Return a range of members in a sorted set", "1.2.0").build());
        t.add(spec("zrangestore", -5, (s, a) -> range(s, a, 2, true, Type.AUTO, Direction.AUTO), "write", "slow")
                .flags(WRITE, DENYOOM).keys(1, 2, 1)
                .doc("Store a range of members from sorted set into another key", "6.2.0").build());
        t.add(spec("zrevrange", -4, (s, a) -> range(s, a, 1, false, Type.RANK, Direction.REVERSE), "read", "slow")
                .flags(READONLY).keys(1, 1, 1)
                .doc("Return a range of members in a sorted set, by index, with scores ordered from high to low", "1.2.0").build());
        t.add(spec("zrangebyscore", -4, (s, a) -> range(s, a, 1, false, Type.SCORE, Direction.FORWARD), "read", "slow")
                .flags(READONLY).keys(1, 1, 1).doc("Return a range of members in a sorted set, by score", "1.0.5").build());
        t.add(spec("zrevrangebyscore", -4, (s, a) -> range(s, a, 1, false, Type.SCORE, Direction.REVERSE), "read", "slow")
                .flags(READONLY).keys(1, 1, 1)
                .doc("Return a range of members in a sorted set, by score, with scores ordered from high to low", "2.2.0").build());
        t.add(spec("zrangebylex", -4, (s, a) -> range(s, a, 1, false, Type.LEX, Direction.FORWARD), "read", "slow")
                .flags(READONLY).keys(1, 1, 1)
                .doc("Return a range of members in a sorted set, by lexicographical range", "2.8.9").build());
        t.add(spec("zrevrangebylex", -4, (s, a) -> range(s, a, 1, false, Type.LEX, Direction.REVERSE), "read", "slow")
                .flags(READONLY).keys(1, 1, 1)
                .doc("Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "2.8.9").build());
        t.add(spec("zcount", 4, this::zcount, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Count the members in a sorted set with scores within the given values", "2.0.0").build());
        t.add(spec("zlexcount", 4, this::zlexcount, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Count the number of members in a sorted set between a given lexicographical range", "2.8.9").build());
        t.add(spec("zremrangebyrank", 4, (s, a) -> remrange(s, a, Type.RANK), "write", "slow").flags(WRITE).keys(1, 1, 1)
                .doc("Remove all members in a sorted set within the given indexes", "2.0.0").build());
        t.add(spec("zremrangebyscore", 4, (s, a) -> remrange(s, a, Type.SCORE), "write", "slow").flags(WRITE).keys(1, 1, 1)
                .doc("Remove all members in a sorted set within the given scores", "1.2.0").build());
        t.add(spec("zremrangebylex", 4, (s, a) -> remrange(s, a, Type.LEX), "write", "slow").flags(WRITE).keys(1, 1, 1)
                .doc("Remove all members in a sorted set between the given lexicographical range", "2.8.9").build());
    }

    /** zrangeGenericCommand: {@code a[first]} is the source key, then min, max and the options. */
    private Reply range(Session s, byte[][] a, int first, boolean store, Type type, Direction dir) {
        int minIdx = first + 1;
        int maxIdx = first + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = first + 3; j < a.length; j++) {
            int left = a.length - j - 1;
            if (!store && Args.is(a[j], "withscores")) {
                withScores = true;
            } else if (Args.is(a[j], "limit") && left >= 2) {
                try {
                    offset = Args.longValue(a[j + 1]);
                    limit = Args.longValue(a[j + 2]);
                } catch (NumberFormatException e) {
                    return ErrorReply.NOT_INTEGER;
                }
                j += 2;
            } else if (dir == Direction.AUTO && Args.is(a[j], "rev")) {
                dir = Direction.REVERSE;
            } else if (type == Type.AUTO && Args.is(a[j], "bylex")) {
                type = Type.LEX;
            } else if (type == Type.AUTO && Args.is(a[j], "byscore")) {
                type = Type.SCORE;
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        if (dir == Direction.AUTO) {
            dir = Direction.FORWARD;
        }
        if (type == Type.AUTO) {
            type = Type.RANK;
        }
        if (limit != -1 && type == Type.RANK) {
            return ErrorReply.err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && type == Type.LEX) {
            return ErrorReply.err("syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        boolean reverse = dir == Direction.REVERSE;
        if (reverse && type != Type.RANK) {
            int tmp = maxIdx;
            maxIdx = minIdx;
            minIdx = tmp;
        }
        long start = 0;
        long end = 0;
        ZRangeSpec.Score score = null;
        ZRangeSpec.Lex lex = null;
        switch (type) {
            case SCORE -> {
                score = ZRangeSpec.Score.parse(a[minIdx], a[maxIdx]);
                if (score == null) {
                    return NOT_FLOAT_RANGE;
                }
            }
            case LEX -> {
                lex = ZRangeSpec.Lex.parse(a[minIdx], a[maxIdx]);
                if (lex == null) {
                    return NOT_LEX_RANGE;
                }
            }
            default -> {
                try {
                    start = Args.longValue(a[minIdx]);
                    end = Args.longValue(a[maxIdx]);
                } catch (NumberFormatException e) {
                    return ErrorReply.NOT_INTEGER;
                }
            }
        }
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[first]);
        List<ZSetStore.Item> items;
        if (z == null) {
            items = List.of();
        } else if (type == Type.RANK) {
            items = byRank(z, start, end, reverse);
        } else if (type == Type.SCORE) {
            items = byScore(z, score, reverse, offset, limit);
        } else {
            items = byLex(z, lex, reverse, offset, limit);
        }
        if (store) {
            return IntegerReply.of(ZSetAlgebra.store(ctx, s.db(), a[1], items));
        }
        return ZReplies.items(items, withScores, s.protocol());
    }

    /** Ranks [start, end] after Redis's sanitising (negative counts from the end); reversed for REV. */
    static List<ZSetStore.Item> byRank(ZSetStore z, long start, long end, boolean reverse) {
        long len = z.size();
        IndexRange r = IndexRange.of(start, end, len);
        if (r == null) {
            return List.of();
        }
        start = r.start();
        end = r.end();
        if (!reverse) {
            return z.byRank(start, end);
        }
        List<ZSetStore.Item> items = new ArrayList<>(z.byRank(len - 1 - end, len - 1 - start));
        Collections.reverse(items);
        return items;
    }

    /** Members with scores in range, then LIMIT offset count (a negative offset gives nothing). */
    static List<ZSetStore.Item> byScore(ZSetStore z, ZRangeSpec.Score r, boolean reverse, long offset, long limit) {
        if (r.empty() || offset < 0 || (offset > 0 && offset >= z.size())) {
            return List.of();
        }
        return inRange(z, r.seek(), (m, sc) -> r.aboveMin(sc), (m, sc) -> r.belowMax(sc), reverse, offset, limit);
    }

    /** Members within a lexical range, assuming (as Redis does) that they all share one score. */
    static List<ZSetStore.Item> byLex(ZSetStore z, ZRangeSpec.Lex r, boolean reverse, long offset, long limit) {
        if (r.empty() || offset < 0 || (offset > 0 && offset >= z.size())) {
            return List.of();
        }
        return inRange(z, null, (m, sc) -> r.aboveMin(m), (m, sc) -> r.belowMax(m), reverse, offset, limit);
    }

    /** A test of one member against one end of a range. */
    private interface Bound {
        boolean test(byte[] member, double score);
    }

    /**
     * The members from index key {@code seek} on that pass {@code aboveMin} until one fails
     * {@code belowMax}, then LIMIT offset count; a reverse range collects the whole range first.
     */
    private static List<ZSetStore.Item> inRange(ZSetStore z, byte[] seek, Bound aboveMin, Bound belowMax,
                                                boolean reverse, long offset, long limit) {
        List<ZSetStore.Item> out = new ArrayList<>();
        long[] skip = {reverse ? 0 : offset};
        long[] left = {reverse ? -1 : limit};
        z.walk(seek, (m, sc) -> {
            if (!aboveMin.test(m, sc)) {
                return true;
            }
            if (!belowMax.test(m, sc) || left[0] == 0) {
                return false;
            }
            if (skip[0] > 0) {
                skip[0]--;
                return true;
            }
            out.add(new ZSetStore.Item(m, sc));
            left[0]--;
            return true;
        });
        if (!reverse) {
            return out;
        }
        Collections.reverse(out);
        return window(out, offset, limit);
    }

    private static List<ZSetStore.Item> window(List<ZSetStore.Item> items, long offset, long limit) {
        if (offset >= items.size()) {
            return List.of();
        }
        long end = limit < 0 ? items.size() : Math.min(items.size(), offset + limit);
        return items.subList((int) offset, (int) end);
    }

    private Reply zcount(Session s, byte[][] a) {
        ZRangeSpec.Score r = ZRangeSpec.Score.parse(a[2], a[3]);
        if (r == null) {
            return NOT_FLOAT_RANGE;
        }
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
        return IntegerReply.of(z == null ? 0 : byScore(z, r, false, 0, -1).size());
    }

    private Reply zlexcount(Session s, byte[][] a) {
        ZRangeSpec.Lex r = ZRangeSpec.Lex.parse(a[2], a[3]);
        if (r == null) {
            return NOT_LEX_RANGE;
        }
        ZSetStore z = ZSetStore.read(ctx, s.db(), a[1]);
        return IntegerReply.of(z == null ? 0 : byLex(z, r, false, 0, -1).size());
    }

    /** zremrangeGenericCommand: the range is parsed before the key is looked up. */
    private Reply remrange(Session s, byte[][] a, Type type) {
        long start = 0;
        long end = 0;
        ZRangeSpec.Score score = null;
        ZRangeSpec.Lex lex = null;
        if (type == Type.RANK) {
            try {
                start = Args.longValue(a[2]);
                end = Args.longValue(a[3]);
            } catch (NumberFormatException e) {
                return ErrorReply.NOT_INTEGER;
            }
        } else if (type == Type.SCORE) {
            score = ZRangeSpec.Score.parse(a[2], a[3]);
            if (score == null) {
                return NOT_FLOAT_RANGE;
            }
        } else {
            lex = ZRangeSpec.Lex.parse(a[2], a[3]);
            if (lex == null) {
                return NOT_LEX_RANGE;
            }
        }
        ZSetStore z = ZSetStore.existing(ctx, s.db(), a[1]);
        if (z == null) {
            return IntegerReply.ZERO;
        }
        List<ZSetStore.Item> items = type == Type.RANK ? byRank(z, start, end, false)
                : type == Type.SCORE ? byScore(z, score, false, 0, -1) : byLex(z, lex, false, 0, -1);
        for (ZSetStore.Item it : items) {
            z.remove(it.member(), it.score());
        }
        z.save();
        return IntegerReply.of(items.size());
    }
}
