package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static kvstore.command.CommandFlag.READONLY;

/**
 * HRANDFIELD key [count [WITHVALUES]] with Redis 7.0's rules: a negative count may repeat fields, a
 * positive one returns distinct fields (the whole hash when it is at least the size).
 *
 * <p>Single fields are picked by {@link ElementSampler}; distinct fields (a positive count below the
 * size) are sampled with one reservoir pass over the hash.
 */
final class HashRandomField {
    private static final ErrorReply OUT_OF_RANGE = ErrorReply.err("value is out of range");

    private final CommandContext ctx;

    HashRandomField(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(HashCommands.spec("hrandfield", -2, this::hrandfield, "read", "slow").flags(READONLY)
                .doc("Get one or multiple random fields from a hash", "6.2.0").build());
    }

    private Reply hrandfield(Session s, byte[][] a) {
        if (a.length == 2) {
            CollectionKey h = HashCommands.read(ctx, s, a[1]);
            if (h == null) {
                return NullReply.BULK;
            }
            return new BulkReply(HashedElement.member(new ElementSampler(h).pick()));
        }
        long l = Args.parseLong(a[2]);
        if (l == Args.INVALID) {
            return Args.isLong(a[2])
                    ? ErrorReply.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
                    : ErrorReply.NOT_INTEGER;
        }
        if (a.length > 4 || (a.length == 4 && !Args.is(a[3], "withvalues"))) {
            return ErrorReply.SYNTAX;
        }
        boolean withValues = a.length == 4;
        if (withValues) {
            if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                return OUT_OF_RANGE;
            }
        }
        CollectionKey h = HashCommands.read(ctx, s, a[1]);
        if (h == null || l == 0) {
            return ArrayReply.EMPTY;
        }
        boolean resp3 = s.protocol() >= 3;
        List<Reply> out = new ArrayList<>();
        if (l < 0 || l == 1) {
            long n = l < 0 ? -l : 1;
            ElementSampler sampler = new ElementSampler(h);
            for (long i = 0; i < n; i++) {
                byte[][] ev = sampler.pickWithValue();
                add(out, ev[0], ev[1], withValues, resp3);
            }
            return ArrayReply.of(out);
        }
        if (l >= h.count()) {
            h.forEach(null, null, (element, value) -> {
                add(out, element, value, withValues, resp3);
                return true;
            });
            return ArrayReply.of(out);
        }
        for (byte[][] ev : sample(h, (int) l)) {
            add(out, ev[0], ev[1], withValues, resp3);
        }
        return ArrayReply.of(out);
    }

    private static void add(List<Reply> out, byte[] element, byte[] value, boolean withValues, boolean resp3) {
        BulkReply field = new BulkReply(HashedElement.member(element));
        if (!withValues) {
            out.add(field);
        } else if (resp3) {
            out.add(ArrayReply.of(field, new BulkReply(value)));
        } else {
            out.add(field);
            out.add(new BulkReply(value));
        }
    }

    /** {@code k} distinct random {element, value} pairs by reservoir sampling (Algorithm R). */
    static List<byte[][]> sample(CollectionKey c, int k) {
        List<byte[][]> reservoir = new ArrayList<>(k);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long[] seen = {0};
        c.forEach(null, null, (e, v) -> {
            long i = seen[0]++;
            if (i < k) {
                reservoir.add(new byte[][] {e, v});
            } else {
                long j = rnd.nextLong(i + 1);
                if (j < k) {
                    reservoir.set((int) j, new byte[][] {e, v});
                }
            }
            return true;
        });
        return reservoir;
    }
}
