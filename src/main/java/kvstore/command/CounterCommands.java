package kvstore.command;

import kvstore.keyspace.CounterKind;
import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.resp.Resp;

import java.math.BigDecimal;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.WRITE;

/**
 * INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT: read-modify-write of a number kept as decimal text
 * ({@link Keyspace#increment}: a per-replica counter on a ring). The dispatcher holds the key's lock,
 * so each is atomic. The TTL is kept, as Redis's dbOverwrite does.
 */
final class CounterCommands {
    private static final ErrorReply OVERFLOW = ErrorReply.err("increment or decrement would overflow");
    private static final ErrorReply DECREMENT_OVERFLOW = ErrorReply.err("decrement would overflow");
    private static final ErrorReply NAN_OR_INFINITY = ErrorReply.err("increment would produce NaN or Infinity");

    private final Keyspace ks;

    CounterCommands(CommandContext ctx) {
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(StringCommands.spec("incr", 2, (s, a) -> incrBy(s, a[1], 1), "write", "fast")
                .flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Increment the integer value of a key by one", "1.0.0").build());
        t.add(StringCommands.spec("decr", 2, (s, a) -> incrBy(s, a[1], -1), "write", "fast")
                .flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Decrement the integer value of a key by one", "1.0.0").build());
        t.add(StringCommands.spec("incrby", 3, this::incrby, "write", "fast")
                .flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Increment the integer value of a key by the given amount", "1.0.0").build());
        t.add(StringCommands.spec("decrby", 3, this::decrby, "write", "fast")
                .flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Decrement the integer value of a key by the given number", "1.0.0").build());
        t.add(StringCommands.spec("incrbyfloat", 3, this::incrbyfloat, "write", "fast")
                .flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Increment the float value of a key by the given amount", "2.6.0").build());
    }

    private Reply incrby(Session s, byte[][] a) {
        if (!Args.isLong(a[2])) {
            return ErrorReply.NOT_INTEGER;
        }
        return incrBy(s, a[1], Args.longValue(a[2]));
    }

    private Reply decrby(Session s, byte[][] a) {
        if (!Args.isLong(a[2])) {
            return ErrorReply.NOT_INTEGER;
        }
        long by = Args.longValue(a[2]);
        if (by == Long.MIN_VALUE) {
            return DECREMENT_OVERFLOW; // -LLONG_MIN does not exist
        }
        return incrBy(s, a[1], -by);
    }

    /** incrDecrCommand. */
    private Reply incrBy(Session s, byte[] key, long by) {
        int db = s.db();
        Entry e = ks.get(db, key);
        if (e != null && e.type() != ValueType.STRING) {
            return ErrorReply.WRONGTYPE;
        }
        long value = 0;
        if (e != null) {
            byte[] v = e.value();
            value = Args.parseLong(v);
            if (value == Args.INVALID && !Args.isLong(v)) {
                return ErrorReply.NOT_INTEGER;
            }
        }
        if ((by < 0 && value < 0 && by < Long.MIN_VALUE - value)
                || (by > 0 && value > 0 && by > Long.MAX_VALUE - value)) {
            return OVERFLOW;
        }
        byte[] text = Resp.ascii(Long.toString(value + by));
        ks.increment(db, key, e == null ? Entry.string(text, Entry.NO_EXPIRY) : e.withValue(text),
                BigDecimal.valueOf(value), BigDecimal.valueOf(by), CounterKind.INTEGER);
        return IntegerReply.of(value + by);
    }

    /** incrbyfloatCommand: both operands as x87 long doubles, the sum written as "%.17Lf" trimmed. */
    private Reply incrbyfloat(Session s, byte[][] a) {
        int db = s.db();
        Entry e = ks.get(db, a[1]);
        if (e != null && e.type() != ValueType.STRING) {
            return ErrorReply.WRONGTYPE;
        }
        LongDouble value = e == null ? LongDouble.zero(false) : LongDouble.parse(e.value());
        LongDouble incr = value == null ? null : LongDouble.parse(a[2]);
        if (incr == null) {
            return ErrorReply.NOT_FLOAT;
        }
        LongDouble sum = value.add(incr);
        if (sum == null || sum.isInfinite()) {
            return NAN_OR_INFINITY;
        }
        byte[] text = Resp.ascii(sum.toHumanString());
        ks.increment(db, a[1], e == null ? Entry.string(text, Entry.NO_EXPIRY) : e.withValue(text),
                value.toBigDecimal(), incr.toBigDecimal(), CounterKind.DECIMAL);
        return new BulkReply(text);
    }
}
