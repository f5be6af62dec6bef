package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.ValueType;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * DUMP and RESTORE (Redis cluster.c) with Redis's payload format ({@link RdbPayload}), so that values
 * move between Redis and kvstore both ways (migration tools use these two commands).
 *
 * <p>RESTORE builds the value with the type's own commands (RPUSH, SADD, HSET, ZADD) under the key's
 * lock, so the restored collection is stored, counted and encoded exactly as if a client had written
 * it. IDLETIME and FREQ are accepted and checked as Redis does; kvstore keeps no access clock, so they
 * change nothing.
 */
final class DumpCommands {
    private static final ErrorReply BAD_FORMAT = ErrorReply.err("Bad data format");
    private static final ErrorReply BUSYKEY = new ErrorReply("BUSYKEY Target key name already exists.");
    /** Elements per internal write command while restoring a collection. */
    private static final int CHUNK = 512;

    private final CommandContext ctx;

    DumpCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("dump", 2, this::dump).flags(READONLY).keys(1, 1, 1)
                .categories("keyspace", "read", "slow")
                .doc("Return a serialized version of the value stored at the specified key.", "2.6.0").build());
        t.add(CommandSpec.builder("restore", -4, this::restore).flags(WRITE, DENYOOM).keys(1, 1, 1)
                .categories("keyspace", "write", "slow", "dangerous")
                .doc("Create a key using the provided serialized value, previously obtained using DUMP.", "2.6.0")
                .build());
    }

    private Reply dump(Session s, byte[][] a) {
        int db = s.db();
        Entry e = ctx.keyspace().get(db, a[1]);
        if (e == null) {
            ctx.stats().miss();
            return NullReply.BULK;
        }
        ctx.stats().hit();
        List<byte[]> items = new ArrayList<>();
        switch (e.type()) {
            case STRING -> {
                return new BulkReply(RdbPayload.dump(new RdbPayload.Value(ValueType.STRING, e.value(), null)));
            }
            case LIST -> {
                ListKey list = ListKey.existing(ctx, db, a[1]);
                if (list != null && list.length() > 0) {
                    items.addAll(list.range(0, list.length() - 1));
                }
            }
            case ZSET -> {
                ZSetStore z = ZSetStore.existing(ctx, db, a[1]);
                if (z != null) {
                    for (ZSetStore.Item it : z.all()) {
                        items.add(it.member());
                        items.add(Double.toString(it.score()).getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
            }
            default -> { // a set's members, or a hash's fields and values
                CollectionKey ck = CollectionKey.existing(ctx, db, a[1], e.type());
                if (ck != null) {
                    boolean hash = e.type() == ValueType.HASH;
                    ck.forEach(null, null, (element, value) -> {
                        items.add(HashedElement.member(element));
                        if (hash) {
                            items.add(value);
                        }
                        return true;
                    });
                }
            }
        }
        return new BulkReply(RdbPayload.dump(new RdbPayload.Value(e.type(), null, items)));
    }

    private Reply restore(Session s, byte[][] a) {
        boolean replace = false;
        boolean absTtl = false;
        boolean idle = false;
        boolean freq = false;
        for (int j = 4; j < a.length; j++) {
            boolean more = j + 1 < a.length;
            if (Args.is(a[j], "replace")) {
                replace = true;
            } else if (Args.is(a[j], "absttl")) {
                absTtl = true;
            } else if (Args.is(a[j], "idletime") && more && !freq) {
                long v = Args.parseLong(a[++j]);
                if (v == Args.INVALID) {
                    return ErrorReply.NOT_INTEGER;
                }
                if (v < 0) {
                    return ErrorReply.err("Invalid IDLETIME value, must be >= 0");
                }
                idle = true;
            } else if (Args.is(a[j], "freq") && more && !idle) {
                long v = Args.parseLong(a[++j]);
                if (v == Args.INVALID) {
                    return ErrorReply.NOT_INTEGER;
                }
                if (v < 0 || v > 255) {
                    return ErrorReply.err("Invalid FREQ value, must be >= 0 and <= 255");
                }
                freq = true;
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        int db = s.db();
        byte[] key = a[1];
        if (!replace && ctx.keyspace().get(db, key) != null) {
            return BUSYKEY;
        }
        long ttl = Args.parseLong(a[2]);
        if (ttl == Args.INVALID) {
            return ErrorReply.NOT_INTEGER;
        }
        if (ttl < 0) {
            return ErrorReply.err("Invalid TTL value, must be >= 0");
        }
        if (!RdbPayload.verify(a[3])) {
            return ErrorReply.err("DUMP payload version or checksum are wrong");
        }
        RdbPayload.Value v;
        try {
            v = RdbPayload.restore(a[3]);
        } catch (RdbPayload.BadFormat e) {
            return BAD_FORMAT;
        }
        if (v.type() != ValueType.STRING && v.items().isEmpty()) {
            return BAD_FORMAT; // Redis never stores an empty collection
        }
        if (replace) {
            ctx.keyspace().delete(db, key);
        }
        long expireAt = ttl == 0 ? Entry.NO_EXPIRY : absTtl ? ttl : System.currentTimeMillis() + ttl;
        if (expireAt != Entry.NO_EXPIRY && expireAt <= System.currentTimeMillis()) {
            return SimpleReply.OK; // already expired: nothing to create (a replaced key stays deleted)
        }
        try {
            write(s, key, v);
        } catch (RdbPayload.BadFormat e) { // a member or score its command refused: nothing is left behind
            ctx.keyspace().delete(db, key);
            return BAD_FORMAT;
        }
        if (expireAt != Entry.NO_EXPIRY) {
            run(s, "pexpireat", key, List.of(Long.toString(expireAt).getBytes(StandardCharsets.ISO_8859_1)));
        }
        return SimpleReply.OK;
    }

    /** Creates the value at {@code key} with the type's own write command(s). */
    private void write(Session s, byte[] key, RdbPayload.Value v) {
        if (v.type() == ValueType.STRING) {
            run(s, "set", key, List.of(v.string()));
            return;
        }
        String command = switch (v.type()) {
            case LIST -> "rpush";
            case SET -> "sadd";
            case HASH -> "hset";
            default -> "zadd";
        };
        List<byte[]> items = v.items();
        if (v.type() == ValueType.ZSET) { // ZADD takes the score first
            List<byte[]> swapped = new ArrayList<>(items.size());
            for (int i = 0; i + 1 < items.size(); i += 2) {
                swapped.add(items.get(i + 1));
                swapped.add(items.get(i));
            }
            items = swapped;
        }
        int step = v.type() == ValueType.HASH || v.type() == ValueType.ZSET ? 2 * CHUNK : CHUNK;
        for (int from = 0; from < items.size(); from += step) {
            run(s, command, key, items.subList(from, Math.min(items.size(), from + step)));
        }
    }

    private void run(Session s, String command, byte[] key, List<byte[]> args) {
        byte[][] argv = new byte[args.size() + 2][];
        argv[0] = command.getBytes(StandardCharsets.ISO_8859_1);
        argv[1] = key;
        for (int i = 0; i < args.size(); i++) {
            argv[i + 2] = args.get(i);
        }
        Reply r = ctx.table().get(command).command().execute(s, argv);
        if (r.isError()) {
            throw new RdbPayload.BadFormat("restoring failed");
        }
    }
}
