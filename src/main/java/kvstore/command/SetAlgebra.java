package kvstore.command;

import kvstore.keyspace.ValueType;
import kvstore.resp.ArrayReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SINTER, SINTERCARD, SINTERSTORE, SUNION(STORE), SDIFF(STORE) and SMEMBERS, as Redis 7.0's
 * sinterGenericCommand and sunionDiffGenericCommand: every key is looked up and type-checked first (a
 * missing key is an empty set), then the members are computed one at a time. An intersection walks
 * the smallest set and looks each member up in the others; a difference walks the first set. Nothing
 * is held in memory but the reply: a STORE whose destination is not one of its sources writes each
 * member straight into the (cleared) destination; only when it is a source is the result gathered
 * first.
 */
final class SetAlgebra {
    /** Receives the members of a result, each once (union dedupes before). */
    private interface Sink {
        void accept(byte[] member);
    }

    private final CommandContext ctx;
    private final SetCommands sets;

    SetAlgebra(CommandContext ctx, SetCommands sets) {
        this.ctx = ctx;
        this.sets = sets;
    }

    /** Looks up {@code a[from..to)} in order; null for a missing key; WRONGTYPE at the first other type. */
    private CollectionKey[] lookup(int db, byte[][] a, int from, int to) {
        CollectionKey[] sets = new CollectionKey[to - from];
        for (int i = from; i < to; i++) {
            sets[i - from] = CollectionKey.read(ctx, db, a[i], ValueType.SET);
        }
        return sets;
    }

    Reply inter(Session s, byte[][] a, int from, int to, byte[] dst, boolean cardOnly, long limit) {
        int db = s.db();
        CollectionKey[] sets = lookup(db, a, from, to);
        for (CollectionKey set : sets) {
            if (set == null) {
                // the intersection with an empty set is empty
                if (dst != null) {
                    ctx.keyspace().delete(db, dst);
                    return IntegerReply.ZERO;
                }
                return cardOnly ? IntegerReply.ZERO : ArrayReply.EMPTY_SET;
            }
        }
        Arrays.sort(sets, Comparator.comparingLong(CollectionKey::count));
        if (cardOnly) {
            long[] n = {0};
            sets[0].forEach(null, null, (m, v) -> {
                if (inAll(sets, m)) {
                    n[0]++;
                    return limit == 0 || n[0] < limit;
                }
                return true;
            });
            return IntegerReply.of(n[0]);
        }
        return produce(db, dst, a, from, to, false, sink -> sets[0].forEach(null, null, (m, v) -> {
            if (inAll(sets, m)) {
                sink.accept(m);
            }
            return true;
        }));
    }

    private static boolean inAll(CollectionKey[] sets, byte[] member) {
        for (int j = 1; j < sets.length; j++) {
            if (!Arrays.equals(sets[j].key(), sets[0].key()) && !SetCommands.contains(sets[j], member)) {
                return false;
            }
        }
        return true;
    }

    Reply union(Session s, byte[][] a, int from, byte[] dst) {
        int db = s.db();
        CollectionKey[] sets = lookup(db, a, from, a.length);
        return produce(db, dst, a, from, a.length, true, sink -> {
            for (CollectionKey set : sets) {
                if (set != null) {
                    set.forEach(null, null, (m, v) -> {
                        sink.accept(m);
                        return true;
                    });
                }
            }
        });
    }

    Reply diff(Session s, byte[][] a, int from, byte[] dst) {
        int db = s.db();
        CollectionKey[] sets = lookup(db, a, from, a.length);
        return produce(db, dst, a, from, a.length, false, sink -> {
            if (sets[0] == null) {
                return;
            }
            sets[0].forEach(null, null, (m, v) -> {
                for (int j = 1; j < sets.length; j++) {
                    if (sets[j] != null && SetCommands.contains(sets[j], m)) {
                        return true;
                    }
                }
                sink.accept(m);
                return true;
            });
        });
    }

    /**
     * Runs {@code compute} into a reply (a RESP3 set) or, with {@code dst}, into the destination key,
     * which it replaces (expiry gone, deleted if the result is empty); replies with the member count.
     */
    private Reply produce(int db, byte[] dst, byte[][] a, int from, int to, boolean dedupe,
                         java.util.function.Consumer<Sink> compute) {
        if (dst != null && !isSource(dst, a, from, to)) {
            ctx.keyspace().delete(db, dst);
            CollectionKey out = CollectionKey.write(ctx, db, dst, ValueType.SET);
            compute.accept(m -> sets.add(out, m));
            out.save();
            return IntegerReply.of(out.count());
        }
        List<byte[]> members = new ArrayList<>();
        Set<ByteBuffer> seen = dedupe ? new HashSet<>() : null;
        compute.accept(m -> {
            if (seen == null || seen.add(ByteBuffer.wrap(m))) {
                members.add(m);
            }
        });
        if (dst == null) {
            return ArrayReply.set(SetCommands.bulks(members));
        }
        ctx.keyspace().delete(db, dst);
        CollectionKey out = CollectionKey.write(ctx, db, dst, ValueType.SET);
        for (byte[] m : members) {
            sets.add(out, m);
        }
        out.save();
        return IntegerReply.of(out.count());
    }

    private static boolean isSource(byte[] dst, byte[][] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Arrays.equals(a[i], dst)) {
                return true;
            }
        }
        return false;
    }
}
