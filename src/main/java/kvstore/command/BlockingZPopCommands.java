package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.DoubleReply;
import kvstore.resp.Reply;

import java.util.Arrays;
import java.util.List;

import static kvstore.command.CommandFlag.BLOCKING;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.MOVABLE_KEYS;
import static kvstore.command.CommandFlag.WRITE;
import static kvstore.command.ZSetCommands.spec;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP: {@link ZPopCommands#pop} when a set can serve them, otherwise
 * {@link Blocked} on their keys (see {@link BlockingKeys}), with the list commands' timeout rules.
 */
final class BlockingZPopCommands {
    private final CommandContext ctx;

    BlockingZPopCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(spec("bzpopmin", -3, (s, a) -> bzpop(s, a, false), "write", "fast").flags(WRITE, FAST, BLOCKING)
                .keys(1, -2, 1).doc("Remove and return the member with the lowest score from one or more sorted "
                        + "sets, or block until one is available", "5.0.0").build());
        t.add(spec("bzpopmax", -3, (s, a) -> bzpop(s, a, true), "write", "fast").flags(WRITE, FAST, BLOCKING)
                .keys(1, -2, 1).doc("Remove and return the member with the highest score from one or more sorted "
                        + "sets, or block until one is available", "5.0.0").build());
        // the keys follow numkeys; locking every argument from 3 on covers them (COMMAND INFO differs)
        t.add(spec("bzmpop", -5, this::bzmpop, "write", "slow")
                .keyFinder(KeyFinder.counted(2)).flags(WRITE, BLOCKING, MOVABLE_KEYS).keys(3, -1, 1)
                .doc("Remove and return members with scores in a sorted set or block until one is available",
                        "7.0.0").build());
    }

    /** BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty set. */
    private Reply bzpop(Session s, byte[][] a, boolean max) {
        long timeout = ListCommands.timeout(a[a.length - 1]);
        for (int j = 1; j < a.length - 1; j++) {
            List<ZSetStore.Item> popped = ZPopCommands.pop(ctx, s.db(), a[j], max, 1);
            if (popped != null && !popped.isEmpty()) {
                ZSetStore.Item it = popped.get(0);
                return ArrayReply.of(new BulkReply(a[j]), new BulkReply(it.member()), new DoubleReply(it.score()));
            }
        }
        return new Blocked(s.db(), Arrays.copyOfRange(a, 1, a.length - 1), timeout);
    }

    /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]. */
    private Reply bzmpop(Session s, byte[][] a) {
        MultiPopArgs m = MultiPopArgs.parse(a, 2, "min", "max");
        long timeout = ListCommands.timeout(a[1]);
        Reply r = ZPopCommands.popFirst(ctx, s.db(), a, m);
        return r != null ? r : new Blocked(s.db(), Arrays.copyOfRange(a, m.firstKey(), m.endKey()), timeout);
    }
}
