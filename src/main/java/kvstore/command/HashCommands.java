package kvstore.command;

import kvstore.keyspace.CounterKind;
import kvstore.keyspace.ValueType;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.Resp;
import kvstore.resp.SimpleReply;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * The hash commands (Redis 7.0 t_hash.c). A hash is a {@link CollectionKey} whose elements are its
 * fields as {@link HashedElement}s, each holding the field's value: HGET and HSET touch one entry,
 * HGETALL walks one range. Fields come back in hash order, where Redis returns small hashes in
 * insertion order; Redis leaves that order unspecified. HRANDFIELD is in {@link HashRandomField}.
 */
final class HashCommands {
    private static final ErrorReply NOT_INTEGER_VALUE = ErrorReply.err("hash value is not an integer");
    private static final ErrorReply NOT_FLOAT_VALUE = ErrorReply.err("hash value is not a float");
    private static final ErrorReply OVERFLOW = ErrorReply.err("increment or decrement would overflow");
    private static final ErrorReply NAN_INCREMENT = ErrorReply.err("value is NaN or Infinity");
    private static final ErrorReply NAN_RESULT = ErrorReply.err("increment would produce NaN or Infinity");

    private final CommandContext ctx;
    /** hash-max-listpack-entries and hash-max-listpack-value: past them Redis converts to a hashtable. */
    private final LiveSetting maxEntries;
    private final LiveSetting maxValue;

    HashCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.maxEntries = new LiveSetting(ctx.config(), "hash-max-listpack-entries");
        this.maxValue = new LiveSetting(ctx.config(), "hash-max-listpack-value");
    }

    void register(CommandTable t) {
        t.add(spec("hset", -4, (s, a) -> hset(s, a, false), "write", "fast").flags(WRITE, DENYOOM, FAST)
                .doc("Set the string value of a hash field", "2.0.0").build());
        t.add(spec("hmset", -4, (s, a) -> hset(s, a, true), "write", "fast").flags(WRITE, DENYOOM, FAST)
                .doc("Set multiple hash fields to multiple values", "2.0.0").build());
        t.add(spec("hsetnx", 4, this::hsetnx, "write", "fast").flags(WRITE, DENYOOM, FAST)
                .doc("Set the value of a hash field, only if the field does not exist", "2.0.0").build());
        t.add(spec("hget", 3, this::hget, "read", "fast").flags(READONLY, FAST)
                .doc("Get the value of a hash field", "2.0.0").build());
        t.add(spec("hmget", -3, this::hmget, "read", "fast").flags(READONLY, FAST)
                .doc("Get the values of all the given hash fields", "2.0.0").build());
        t.add(spec("hdel", -3, this::hdel, "write", "fast").flags(WRITE, FAST)
                .doc("Delete one or more hash fields", "2.0.0").build());
        t.add(spec("hlen", 2, this::hlen, "read", "fast").flags(READONLY, FAST)
                .doc("Get the number of fields in a hash", "2.0.0").build());
        t.add(spec("hstrlen", 3, this::hstrlen, "read", "fast").flags(READONLY, FAST)
                .doc("Get the length of the value of a hash field", "3.2.0").build());
        t.add(spec("hexists", 3, this::hexists, "read", "fast").flags(READONLY, FAST)
                .doc("Determine if a hash field exists", "2.0.0").build());
        t.add(spec("hgetall", 2, (s, a) -> all(s, a, true, true), "read", "slow").flags(READONLY)
                .doc("Get all the fields and values in a hash", "2.0.0").build());
        t.add(spec("hkeys", 2, (s, a) -> all(s, a, true, false), "read", "slow").flags(READONLY)
                .doc("Get all the fields in a hash", "2.0.0").build());
        t.add(spec("hvals", 2, (s, a) -> all(s, a, false, true), "read", "slow").flags(READONLY)
                .doc("Get all the values in a hash", "2.0.0").build());
        t.add(spec("hincrby", 4, this::hincrby, "write", "fast").flags(WRITE, DENYOOM, FAST)
                .doc("Increment the integer value of a hash field by the given number", "2.0.0").build());
        t.add(spec("hincrbyfloat", 4, this::hincrbyfloat, "write", "fast").flags(WRITE, DENYOOM, FAST)
                .doc("Increment the float value of a hash field by the given amount", "2.6.0").build());
        t.add(spec("hscan", -3, this::hscan, "read", "slow").flags(READONLY)
                .doc("Incrementally iterate hash fields and associated values", "2.8.0").build());
        new HashRandomField(ctx).register(t);
    }

    static CommandSpec.Builder spec(String name, int arity, Command command, String access, String speed) {
        return CommandSpec.builder(name, arity, command).keys(1, 1, 1).categories(access, "hash", speed).group("hash");
    }

    static CollectionKey read(CommandContext ctx, Session s, byte[] key) {
        return CollectionKey.read(ctx, s.db(), key, ValueType.HASH);
    }

    private CollectionKey write(Session s, byte[] key) {
        return CollectionKey.write(ctx, s.db(), key, ValueType.HASH);
    }

    /** hashTypeTryConversion: a field or value longer than the listpack limit converts the hash. */
    private void convertForLength(CollectionKey h, byte[][] a, int from) {
        long max = maxValue.get();
        for (int i = from; i < a.length; i++) {
            if (a[i].length > max) {
                h.markBig();
                return;
            }
        }
    }

    private void convertForCount(CollectionKey h) {
        if (h.count() > maxEntries.get()) {
            h.markBig();
        }
    }

    private Reply hset(Session s, byte[][] a, boolean hmset) {
        if (a.length % 2 == 1) {
            return ErrorReply.err("wrong number of arguments for '" + (hmset ? "hmset" : "hset") + "' command");
        }
        CollectionKey h = write(s, a[1]);
        convertForLength(h, a, 2);
        long created = 0;
        for (int i = 2; i < a.length; i += 2) {
            if (h.put(HashedElement.of(a[i]), a[i + 1])) {
                created++;
            }
        }
        convertForCount(h);
        h.save();
        return hmset ? SimpleReply.OK : IntegerReply.of(created);
    }

    private Reply hsetnx(Session s, byte[][] a) {
        CollectionKey h = write(s, a[1]);
        byte[] element = HashedElement.of(a[2]);
        if (h.get(element) != null) {
            return IntegerReply.ZERO;
        }
        convertForLength(h, a, 2);
        h.add(element, a[3]);
        convertForCount(h);
        h.save();
        return IntegerReply.ONE;
    }

    private Reply hget(Session s, byte[][] a) {
        CollectionKey h = read(ctx, s, a[1]);
        byte[] v = h == null ? null : h.get(HashedElement.of(a[2]));
        return v == null ? NullReply.BULK : new BulkReply(v);
    }

    private Reply hmget(Session s, byte[][] a) {
        CollectionKey h = read(ctx, s, a[1]);
        List<Reply> out = new ArrayList<>(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            byte[] v = h == null ? null : h.get(HashedElement.of(a[i]));
            out.add(v == null ? NullReply.BULK : new BulkReply(v));
        }
        return ArrayReply.of(out);
    }

    private Reply hdel(Session s, byte[][] a) {
        CollectionKey h = CollectionKey.existing(ctx, s.db(), a[1], ValueType.HASH);
        if (h == null) {
            return IntegerReply.ZERO;
        }
        long deleted = 0;
        for (int i = 2; i < a.length && h.count() > 0; i++) {
            if (h.remove(HashedElement.of(a[i]))) {
                deleted++;
            }
        }
        h.save();
        return IntegerReply.of(deleted);
    }

    private Reply hlen(Session s, byte[][] a) {
        CollectionKey h = read(ctx, s, a[1]);
        return IntegerReply.of(h == null ? 0 : h.count());
    }

    private Reply hstrlen(Session s, byte[][] a) {
        CollectionKey h = read(ctx, s, a[1]);
        byte[] v = h == null ? null : h.get(HashedElement.of(a[2]));
        return IntegerReply.of(v == null ? 0 : v.length);
    }

    private Reply hexists(Session s, byte[][] a) {
        CollectionKey h = read(ctx, s, a[1]);
        return h != null && h.get(HashedElement.of(a[2])) != null ? IntegerReply.ONE : IntegerReply.ZERO;
    }

    /** HGETALL (a map in RESP3), HKEYS, HVALS. */
    private Reply all(Session s, byte[][] a, boolean fields, boolean values) {
        CollectionKey h = read(ctx, s, a[1]);
        boolean map = fields && values;
        if (h == null) {
            return map ? ArrayReply.EMPTY_MAP : ArrayReply.EMPTY;
        }
        List<Reply> out = new ArrayList<>((int) Math.min(h.count() * (map ? 2 : 1), 1 << 20));
        h.forEach(null, null, (element, value) -> {
            if (fields) {
                out.add(new BulkReply(HashedElement.member(element)));
            }
            if (values) {
                out.add(new BulkReply(value));
            }
            return true;
        });
        return map ? ArrayReply.map(out) : ArrayReply.of(out);
    }

    private Reply hincrby(Session s, byte[][] a) {
        long incr;
        try {
            incr = Args.longValue(a[3]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_INTEGER;
        }
        CollectionKey h = write(s, a[1]);
        byte[] element = HashedElement.of(a[2]);
        byte[] old = h.get(element);
        long value = 0;
        if (old != null) {
            value = Args.parseLong(old);
            if (value == Args.INVALID && !Args.isLong(old)) {
                return NOT_INTEGER_VALUE;
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            return OVERFLOW;
        }
        value += incr;
        store(h, element, old, Resp.ascii(Long.toString(value)), a[2], BigDecimal.valueOf(value - incr),
                BigDecimal.valueOf(incr), CounterKind.INTEGER);
        return IntegerReply.of(value);
    }

    private Reply hincrbyfloat(Session s, byte[][] a) {
        LongDouble incr = LongDouble.parse(a[3]);
        if (incr == null) {
            return ErrorReply.NOT_FLOAT;
        }
        if (incr.isInfinite()) {
            return NAN_INCREMENT;
        }
        CollectionKey h = write(s, a[1]);
        byte[] element = HashedElement.of(a[2]);
        byte[] old = h.get(element);
        LongDouble value = LongDouble.zero(false);
        if (old != null) {
            value = LongDouble.parse(old);
            if (value == null) {
                return NOT_FLOAT_VALUE;
            }
        }
        LongDouble sum = value.add(incr);
        if (sum == null || sum.isInfinite()) {
            return NAN_RESULT;
        }
        byte[] text = Resp.ascii(sum.toHumanString());
        store(h, element, old, text, a[2], value.toBigDecimal(), incr.toBigDecimal(), CounterKind.DECIMAL);
        return new BulkReply(text);
    }

    /**
     * The write half of HINCRBY/HINCRBYFLOAT, converting the encoding as hashTypeSet does: the field
     * becomes {@code value}, {@code before} plus {@code delta}.
     */
    private void store(CollectionKey h, byte[] element, byte[] old, byte[] value, byte[] field, BigDecimal before,
                       BigDecimal delta, CounterKind kind) {
        if (field.length > maxValue.get() || value.length > maxValue.get()) {
            h.markBig();
        }
        h.increment(element, value, before, delta, kind);
        if (old == null) {
            h.meta(h.meta().withCount(h.count() + 1));
        }
        convertForCount(h);
        h.save();
    }

    private Reply hscan(Session s, byte[][] a) {
        return ElementScan.scan(a, key -> read(ctx, s, key), (field, value, out) -> {
            out.add(new BulkReply(field));
            out.add(new BulkReply(value));
        });
    }
}
