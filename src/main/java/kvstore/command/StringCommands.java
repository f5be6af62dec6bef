package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.Arrays;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * The string commands that read, write and slice whole values (GET, SET and its variants, MGET,
 * MSET, APPEND, GETRANGE, SETRANGE, ...), following Redis 7.0's t_string.c. Counters live in
 * {@link CounterCommands}, LCS in {@link LcsCommand}; both are registered from here.
 *
 * <p>"Read" lookups (Redis's lookupKeyRead) count keyspace hits and misses; "write" lookups do not.
 */
final class StringCommands {
    private static final ErrorReply TOO_LONG =
            ErrorReply.err("string exceeds maximum allowed size (proto-max-bulk-len)");
    /** The largest byte[] a JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final ErrorReply OFFSET_RANGE = ErrorReply.err("offset is out of range");

    private final CommandContext ctx;
    private final Keyspace ks;
    /** proto-max-bulk-len, cached: APPEND and SETRANGE check it on every call. */
    private volatile long maxBulkLen;

    StringCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
        this.maxBulkLen = ctx.config().getLong("proto-max-bulk-len");
        ctx.config().onChange("proto-max-bulk-len", v -> maxBulkLen = Long.parseLong(v));
    }

    void register(CommandTable t) {
        t.add(spec("get", 2, this::get, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Get the value of a key", "1.0.0").build());
        t.add(spec("set", -3, this::set, "write", "slow").flags(WRITE, DENYOOM).keys(1, 1, 1)
                .doc("Set the string value of a key", "1.0.0").build());
        t.add(spec("setnx", 3, this::setnx, "write", "fast").flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Set the value of a key, only if the key does not exist", "1.0.0").build());
        t.add(spec("setex", 4, this::setex, "write", "slow").flags(WRITE, DENYOOM).keys(1, 1, 1)
                .doc("Set the value and expiration of a key", "2.0.0").build());
        t.add(spec("psetex", 4, this::psetex, "write", "slow").flags(WRITE, DENYOOM).keys(1, 1, 1)
                .doc("Set the value and expiration in milliseconds of a key", "2.6.0").build());
        t.add(spec("getset", 3, this::getset, "write", "fast").flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Set the string value of a key and return its old value", "1.0.0").build());
        t.add(spec("getdel", 2, this::getdel, "write", "fast").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Get the value of a key and delete the key", "6.2.0").build());
        t.add(spec("getex", -2, this::getex, "write", "fast").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Get the value of a key and optionally set its expiration", "6.2.0").build());
        t.add(spec("mget", -2, this::mget, "read", "fast").flags(READONLY, FAST).keys(1, -1, 1)
                .doc("Get the values of all the given keys", "1.0.0").build());
        t.add(spec("mset", -3, this::mset, "write", "slow").flags(WRITE, DENYOOM).keys(1, -1, 2)
                .doc("Set multiple keys to multiple values", "1.0.1").build());
        t.add(spec("msetnx", -3, this::msetnx, "write", "slow").flags(WRITE, DENYOOM).keys(1, -1, 2)
                .doc("Set multiple keys to multiple values, only if none of the keys exist", "1.0.1").build());
        t.add(spec("append", 3, this::append, "write", "fast").flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Append a value to a key", "2.0.0").build());
        t.add(spec("strlen", 2, this::strlen, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Get the length of the value stored in a key", "2.2.0").build());
        t.add(spec("getrange", 4, this::getrange, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Get a substring of the string stored at a key", "2.4.0").build());
        t.add(spec("substr", 4, this::getrange, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Get a substring of the string stored at a key", "1.0.0").build());
        t.add(spec("setrange", 4, this::setrange, "write", "slow").flags(WRITE, DENYOOM).keys(1, 1, 1)
                .doc("Overwrite part of a string at key starting at the specified offset", "2.2.0").build());
        new CounterCommands(ctx).register(t);
        new LcsCommand(ctx).register(t);
    }

    /** A builder in the string group with ACL categories @access, @string, @speed. */
    static CommandSpec.Builder spec(String name, int arity, Command command, String access, String speed) {
        return CommandSpec.builder(name, arity, command).categories(access, "string", speed).group("string");
    }

    /**
     * lookupKeyRead plus the type check: the live string at {@code key} or null, counting a keyspace
     * hit or miss; throws {@link WrongTypeException} for another type.
     */
    private Entry readString(int db, byte[] key) {
        return readString(ctx, db, key);
    }

    /** As {@link #readString(int, byte[])}, for the other string commands (the bit commands). */
    static Entry readString(CommandContext ctx, int db, byte[] key) {
        Entry e = ctx.keyspace().get(db, key);
        if (e == null) {
            ctx.stats().miss();
            return null;
        }
        ctx.stats().hit();
        if (e.type() != ValueType.STRING) {
            throw new WrongTypeException();
        }
        return e;
    }

    /** lookupKeyWrite plus the type check: no hit/miss counting. */
    private Entry writeString(int db, byte[] key) {
        Entry e = ks.get(db, key);
        if (e != null && e.type() != ValueType.STRING) {
            throw new WrongTypeException();
        }
        return e;
    }

    private Reply get(Session s, byte[][] a) {
        if (!ks.replicated()) {
            return getReply(ks.get(s.db(), a[1])); // one node answers at once: no future to allocate
        }
        java.util.concurrent.CompletableFuture<Entry> read = ks.getLater(s.db(), a[1]);
        if (read.isDone()) {
            return getReply(read.join());
        }
        return PendingReply.of(read, this::getReply, "get");
    }

    private Reply getReply(Entry e) {
        if (e == null) {
            ctx.stats().miss();
            return NullReply.BULK;
        }
        ctx.stats().hit();
        return e.type() == ValueType.STRING ? new BulkReply(e.value()) : ErrorReply.WRONGTYPE;
    }

    private Reply set(Session s, byte[][] a) {
        if (a.length >= 5 && Args.is(a[a.length - 2], "context")) {
            return setWithContext(s, a);
        }
        SetOptions o = SetOptions.parse(a, 3, SetOptions.Command.SET);
        if (o.error() != null) {
            return o.error();
        }
        return set(s, a[1], a[2], o, "set", SimpleReply.OK, NullReply.BULK);
    }

    /**
     * kvstore's SET key value [EX|PX|EXAT|PXAT t] CONTEXT ctx: supersedes exactly the versions ctx (from
     * SIBLINGS) covers. Real Redis rejects the form, so no Redis client sends it by accident.
     */
    private Reply setWithContext(Session s, byte[][] a) {
        byte[][] opts = Arrays.copyOf(a, a.length - 2);
        SetOptions o = SetOptions.parse(opts, 3, SetOptions.Command.SET);
        if (o.error() != null) {
            return o.error();
        }
        if (o.nx() || o.xx() || o.get() || o.keepTtl()) {
            return ErrorReply.err("CONTEXT cannot be combined with NX, XX, GET or KEEPTTL");
        }
        long expireAt = Entry.NO_EXPIRY;
        if (o.expire() != null) {
            expireAt = o.expireAt(System.currentTimeMillis());
            if (expireAt < 0) {
                return SetOptions.expireError(expireAt, "set");
            }
        }
        try {
            ks.putWithContext(s.db(), a[1], Entry.string(a[2], expireAt), a[a.length - 1]);
        } catch (IllegalArgumentException e) {
            return ClusterCommands.INVALID_CONTEXT;
        }
        return SimpleReply.OK;
    }

    private Reply setnx(Session s, byte[][] a) {
        return set(s, a[1], a[2], SetOptions.relative(SetOptions.NX, null), "setnx", IntegerReply.ONE, IntegerReply.ZERO);
    }

    private Reply setex(Session s, byte[][] a) {
        return set(s, a[1], a[3], SetOptions.relative(SetOptions.EX, a[2]), "setex", SimpleReply.OK, NullReply.BULK);
    }

    private Reply psetex(Session s, byte[][] a) {
        return set(s, a[1], a[3], SetOptions.relative(SetOptions.PX, a[2]), "psetex", SimpleReply.OK, NullReply.BULK);
    }

    /**
     * setGenericCommand: validate the expiry, then (GET) read the old value, then apply NX/XX.
     * {@code okReply} on success, {@code abortReply} when NX/XX stops the write; with GET, the old
     * value instead of either.
     */
    private Reply set(Session s, byte[] key, byte[] value, SetOptions o, String name, Reply okReply, Reply abortReply) {
        int db = s.db();
        long expireAt = Entry.NO_EXPIRY;
        if (o.expire() != null) {
            expireAt = o.expireAt(System.currentTimeMillis());
            if (expireAt < 0) {
                return SetOptions.expireError(expireAt, name);
            }
        }
        Entry old;
        Reply getReply = null;
        if (o.get()) {
            old = readString(db, key);
            getReply = old == null ? NullReply.BULK : new BulkReply(old.value());
        } else if (o.nx() || o.xx() || o.keepTtl()) {
            old = ks.get(db, key);
        } else {
            old = null; // a plain SET does not look at what it replaces
        }
        if ((o.nx() && old != null) || (o.xx() && old == null)) {
            return getReply != null ? getReply : abortReply;
        }
        if (o.keepTtl() && old != null) {
            expireAt = old.expireAt();
        }
        if (expireAt != Entry.NO_EXPIRY && expireAt <= System.currentTimeMillis()) {
            ks.delete(db, key); // an EXAT/PXAT in the past: Redis sets it and it is expired at once
        } else {
            ks.put(db, key, Entry.string(value, expireAt));
        }
        return getReply != null ? getReply : okReply;
    }

    private Reply getset(Session s, byte[][] a) {
        int db = s.db();
        Entry old = readString(db, a[1]);
        ks.put(db, a[1], Entry.string(a[2], Entry.NO_EXPIRY));
        return old == null ? NullReply.BULK : new BulkReply(old.value());
    }

    private Reply getdel(Session s, byte[][] a) {
        int db = s.db();
        Entry old = readString(db, a[1]);
        if (old == null) {
            return NullReply.BULK;
        }
        ks.delete(db, a[1]);
        return new BulkReply(old.value());
    }

    /** getexCommand: options, then the lookup, then the expiry's validation, then the change. */
    private Reply getex(Session s, byte[][] a) {
        SetOptions o = SetOptions.parse(a, 2, SetOptions.Command.GETEX);
        if (o.error() != null) {
            return o.error();
        }
        int db = s.db();
        Entry e = readString(db, a[1]);
        if (e == null) {
            return NullReply.BULK;
        }
        long now = System.currentTimeMillis();
        if (o.expire() != null) {
            long at = o.expireAt(now);
            if (at < 0) {
                return SetOptions.expireError(at, "getex");
            }
            if (o.absolute() && at <= now) {
                ks.delete(db, a[1]);
            } else {
                ks.put(db, a[1], e.withExpiry(at));
            }
        } else if (o.persist() && e.hasExpiry()) {
            ks.put(db, a[1], e.withExpiry(Entry.NO_EXPIRY));
        }
        return new BulkReply(e.value());
    }

    private Reply mget(Session s, byte[][] a) {
        int db = s.db();
        Reply[] out = new Reply[a.length - 1];
        for (int i = 1; i < a.length; i++) {
            Entry e = ks.get(db, a[i]);
            if (e == null) {
                ctx.stats().miss();
                out[i - 1] = NullReply.BULK;
            } else {
                ctx.stats().hit();
                out[i - 1] = e.type() == ValueType.STRING ? new BulkReply(e.value()) : NullReply.BULK;
            }
        }
        return ArrayReply.of(Arrays.asList(out));
    }

    private Reply mset(Session s, byte[][] a) {
        if (a.length % 2 == 0) {
            return ErrorReply.err("wrong number of arguments for 'mset' command");
        }
        putAll(s.db(), a);
        return SimpleReply.OK;
    }

    private Reply msetnx(Session s, byte[][] a) {
        if (a.length % 2 == 0) {
            return ErrorReply.err("wrong number of arguments for 'msetnx' command");
        }
        int db = s.db();
        for (int i = 1; i < a.length; i += 2) {
            if (ks.get(db, a[i]) != null) {
                return IntegerReply.ZERO;
            }
        }
        putAll(db, a);
        return IntegerReply.ONE;
    }

    private void putAll(int db, byte[][] a) {
        for (int i = 1; i < a.length; i += 2) {
            ks.put(db, a[i], Entry.string(a[i + 1], Entry.NO_EXPIRY));
        }
    }

    private Reply append(Session s, byte[][] a) {
        int db = s.db();
        Entry e = writeString(db, a[1]);
        byte[] add = a[2];
        if (e == null) {
            ks.put(db, a[1], Entry.string(add, Entry.NO_EXPIRY));
            return IntegerReply.of(add.length);
        }
        byte[] old = e.value();
        if (tooLong(old.length, add.length)) {
            return TOO_LONG;
        }
        byte[] v = Arrays.copyOf(old, old.length + add.length);
        System.arraycopy(add, 0, v, old.length, add.length);
        ks.put(db, a[1], e.withValue(v));
        return IntegerReply.of(v.length);
    }

    /**
     * checkStringLength: size + append over proto-max-bulk-len, or overflowing. Beyond Redis, also
     * any size a Java array cannot hold (only reachable with proto-max-bulk-len raised above 2GB).
     */
    private boolean tooLong(long size, long append) {
        long total = size + append;
        return total > maxBulkLen || total < size || total < append || total > MAX_ARRAY;
    }

    private Reply strlen(Session s, byte[][] a) {
        Entry e = readString(s.db(), a[1]);
        return e == null ? IntegerReply.ZERO : IntegerReply.of(e.value().length);
    }

    /** GETRANGE and SUBSTR. */
    private Reply getrange(Session s, byte[][] a) {
        long start = Args.parseLong(a[2]);
        if (start == Args.INVALID && !Args.isLong(a[2])) {
            return ErrorReply.NOT_INTEGER;
        }
        long end = Args.parseLong(a[3]);
        if (end == Args.INVALID && !Args.isLong(a[3])) {
            return ErrorReply.NOT_INTEGER;
        }
        Entry e = readString(s.db(), a[1]);
        if (e == null) {
            return BulkReply.EMPTY;
        }
        byte[] v = e.value();
        long len = v.length;
        if (start < 0 && end < 0 && start > end) {
            return BulkReply.EMPTY;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            return BulkReply.EMPTY;
        }
        return new BulkReply(Arrays.copyOfRange(v, (int) start, (int) end + 1));
    }

    private Reply setrange(Session s, byte[][] a) {
        long offset = Args.parseLong(a[2]);
        if (offset == Args.INVALID && !Args.isLong(a[2])) {
            return ErrorReply.NOT_INTEGER;
        }
        if (offset < 0) {
            return OFFSET_RANGE;
        }
        int db = s.db();
        Entry e = writeString(db, a[1]);
        byte[] value = a[3];
        if (value.length == 0) {
            return e == null ? IntegerReply.ZERO : IntegerReply.of(e.value().length);
        }
        if (tooLong(offset, value.length)) {
            return TOO_LONG;
        }
        int newEnd = (int) (offset + value.length); // tooLong keeps it within an array's size
        byte[] old = e == null ? new byte[0] : e.value();
        byte[] v = Arrays.copyOf(old, Math.max(old.length, newEnd));
        System.arraycopy(value, 0, v, (int) offset, value.length);
        ks.put(db, a[1], e == null ? Entry.string(v, Entry.NO_EXPIRY) : e.withValue(v));
        return IntegerReply.of(v.length);
    }
}
