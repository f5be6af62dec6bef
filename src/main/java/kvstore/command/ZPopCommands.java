package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.MOVABLE_KEYS;
import static kvstore.command.CommandFlag.WRITE;
import static kvstore.command.ZSetCommands.spec;

/**
 * ZPOPMIN, ZPOPMAX and ZMPOP (Redis 7.0's genericZpopCommand and its callers). {@link #pop} is the
 * shared step, package-private so blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) can call it under their
 * key's lock.
 */
final class ZPopCommands {
    private static final ErrorReply NOT_POSITIVE = ErrorReply.err("value is out of range, must be positive");

    private final CommandContext ctx;

    ZPopCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(spec("zpopmin", -2, (s, a) -> zpop(s, a, false), "write", "fast").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Remove and return members with the lowest scores in a sorted set", "5.0.0").build());
        t.add(spec("zpopmax", -2, (s, a) -> zpop(s, a, true), "write", "fast").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Remove and return members with the highest scores in a sorted set", "5.0.0").build());
        // the keys follow numkeys; locking every argument from 2 on covers them (COMMAND INFO differs)
        t.add(spec("zmpop", -4, this::zmpop, "write", "slow")
                .keyFinder(KeyFinder.counted(1)).flags(WRITE, MOVABLE_KEYS).keys(2, -1, 1)
                .doc("Remove and return members with scores in a sorted set", "7.0.0").build());
    }

    // ---- ZPOPMIN / ZPOPMAX ----

    private Reply zpop(Session s, byte[][] a, boolean max) {
        if (a.length > 3) {
            return ErrorReply.SYNTAX;
        }
        long count = -1;
        if (a.length == 3) {
            count = Args.parseLong(a[2]);
            // getPositiveLongFromObjectOrReply: one message for malformed and negative numbers
            if (count < 0) {
                return NOT_POSITIVE;
            }
        }
        List<ZSetStore.Item> popped = pop(ctx, s.db(), a[1], max, count == -1 ? 1 : count);
        if (popped == null) {
            return ArrayReply.EMPTY;
        }
        // RESP3 nests [member, score] pairs only when a count was given
        return ZReplies.items(popped, true, count == -1 ? 2 : s.protocol());
    }

    /**
     * Removes and returns up to {@code count} members with the lowest (or highest) scores of the set
     * at {@code key}, lowest (highest) first, deleting the key if it empties; null if there is no such
     * key. Throws WrongTypeException for another type. Callers hold the key's lock (BZPOPMIN/BZPOPMAX
     * can call this too).
     */
    static List<ZSetStore.Item> pop(CommandContext ctx, int db, byte[] key, boolean max, long count) {
        ZSetStore z = ZSetStore.existing(ctx, db, key);
        if (z == null) {
            return null;
        }
        if (count == 0) {
            return List.of();
        }
        List<ZSetStore.Item> items = max ? last(z, count) : z.byRank(0, count - 1);
        for (ZSetStore.Item it : items) {
            z.remove(it.member(), it.score());
        }
        if (!max && !items.isEmpty()) {
            z.raiseFloor(items.get(items.size() - 1).score());
        }
        z.save();
        return items;
    }

    /** The {@code count} highest members, highest first: one forward walk keeping the tail. */
    private static List<ZSetStore.Item> last(ZSetStore z, long count) {
        long skip = Math.max(0, z.size() - count);
        List<ZSetStore.Item> items = new ArrayList<>(z.byRank(skip, z.size() - 1));
        Collections.reverse(items);
        return items;
    }

    /** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first non-empty set. */
    private Reply zmpop(Session s, byte[][] a) {
        Reply r = popFirst(ctx, s.db(), a, MultiPopArgs.parse(a, 1, "min", "max"));
        return r != null ? r : NullReply.ARRAY;
    }

    /** ZMPOP's pop from the first non-empty set of {@code m}'s keys: [key, [[member, score]...]], or null. */
    static Reply popFirst(CommandContext ctx, int db, byte[][] a, MultiPopArgs m) {
        for (int i = m.firstKey(); i < m.endKey(); i++) {
            List<ZSetStore.Item> popped = pop(ctx, db, a[i], m.second(), m.count());
            if (popped != null) {
                return ArrayReply.of(new BulkReply(a[i]), ZReplies.items(popped, true, 3));
            }
        }
        return null;
    }
}
