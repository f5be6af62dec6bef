package kvstore.command;

import kvstore.cluster.KeySlot;
import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * The generic keyspace commands that look at keys rather than values: DEL, UNLINK, EXISTS, TYPE,
 * TOUCH, KEYS, SCAN and RANDOMKEY. It also registers the rest of Redis's generic group, which lives
 * in {@link ExpireCommands}, {@link CopyMoveCommands} and {@link ObjectCommand}.
 *
 * <p>Keyspace hits and misses are counted where Redis counts them: by the read lookups of EXISTS,
 * TYPE, TOUCH, the TTL family, OBJECT, COPY's source and SCAN's TYPE filter; not by DEL, KEYS,
 * RANDOMKEY or the write lookups of EXPIRE, RENAME and MOVE.
 */
final class KeyspaceCommands {
    private static final SimpleReply NONE = new SimpleReply("none");
    private static final ErrorReply INVALID_CURSOR = ErrorReply.err("invalid cursor");
    private static final SimpleReply[] TYPE_NAMES;

    static {
        kvstore.keyspace.ValueType[] types = kvstore.keyspace.ValueType.values();
        TYPE_NAMES = new SimpleReply[types.length];
        for (kvstore.keyspace.ValueType t : types) {
            TYPE_NAMES[t.ordinal()] = new SimpleReply(t.redisName());
        }
    }

    private final CommandContext ctx;
    private final Keyspace ks;

    KeyspaceCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("del", -2, this::del).flags(WRITE).keys(1, -1, 1)
                .categories("keyspace", "write", "slow").doc("Delete a key", "1.0.0").build());
        t.add(CommandSpec.builder("unlink", -2, this::del).flags(WRITE, FAST).keys(1, -1, 1)
                .categories("keyspace", "write", "fast")
                .doc("Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
                        "4.0.0").build());
        t.add(CommandSpec.builder("exists", -2, this::exists).flags(READONLY, FAST).keys(1, -1, 1)
                .categories("keyspace", "read", "fast").doc("Determine if a key exists", "1.0.0").build());
        t.add(CommandSpec.builder("touch", -2, this::exists).flags(READONLY, FAST).keys(1, -1, 1)
                .categories("keyspace", "read", "fast")
                .doc("Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1")
                .build());
        t.add(CommandSpec.builder("type", 2, this::type).flags(READONLY, FAST).keys(1, 1, 1)
                .categories("keyspace", "read", "fast").doc("Determine the type stored at key", "1.0.0").build());
        t.add(CommandSpec.builder("keys", 2, this::keys).flags(READONLY)
                .categories("keyspace", "read", "slow", "dangerous").doc("Find all keys matching the given pattern", "1.0.0")
                .build());
        t.add(CommandSpec.builder("scan", -2, this::scan).flags(READONLY)
                .categories("keyspace", "read", "slow").doc("Incrementally iterate the keys space", "2.8.0").build());
        t.add(CommandSpec.builder("randomkey", 1, this::randomkey).flags(READONLY)
                .categories("keyspace", "read", "slow").doc("Return a random key from the keyspace", "1.0.0").build());
        new ExpireCommands(ctx).register(t);
        new CopyMoveCommands(ctx).register(t);
        new ObjectCommand(ctx).register(t);
        new SortCommand(ctx).register(t);
        new DumpCommands(ctx).register(t);
    }

    /** DEL and UNLINK: kvstore frees values on the caller's thread either way. */
    private Reply del(Session s, byte[][] a) {
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            if (ks.delete(s.db(), a[i])) {
                n++;
            }
        }
        return IntegerReply.of(n);
    }

    /**
     * EXISTS and TOUCH: how many of the keys exist, a repeated key counted each time. kvstore keeps no
     * access time, so TOUCH has nothing more to do.
     */
    private Reply exists(Session s, byte[][] a) {
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            if (ks.get(s.db(), a[i]) != null) {
                ctx.stats().hit();
                n++;
            } else {
                ctx.stats().miss();
            }
        }
        return IntegerReply.of(n);
    }

    private Reply type(Session s, byte[][] a) {
        Entry e = ks.get(s.db(), a[1]);
        if (e == null) {
            ctx.stats().miss();
            return NONE;
        }
        ctx.stats().hit();
        return TYPE_NAMES[e.type().ordinal()];
    }

    private Reply keys(Session s, byte[][] a) {
        GlobPattern pattern = new GlobPattern(a[1]);
        List<Reply> out = new ArrayList<>();
        ks.forEachKey(s.db(), k -> {
            if (pattern.matches(k)) {
                out.add(new BulkReply(k));
            }
        });
        return ArrayReply.of(out);
    }

    /**
     * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is a hash slot, kvstore's
     * storage order, not Redis's reverse-binary cursor; a walk still returns every key that exists
     * throughout it. Options are parsed as Redis's scanGenericCommand does; an unknown TYPE name
     * simply matches nothing, as in Redis 7.0.
     */
    private Reply scan(Session s, byte[][] a) {
        long cursor = ScanCursor.parse(a[1], KeySlot.SLOTS);
        if (cursor == ScanCursor.INVALID) {
            return INVALID_CURSOR;
        }
        ScanOptions options = ScanOptions.parse(a, 2, true);
        long count = options.count();
        GlobPattern pattern = options.match();
        byte[] type = options.type();
        if (cursor == ScanCursor.BEYOND) {
            return ArrayReply.of(BulkReply.of(0), ArrayReply.EMPTY);
        }
        int db = s.db();
        Keyspace.ScanPage page = ks.scan(db, cursor, (int) Math.min(count, Integer.MAX_VALUE));
        List<Reply> keys = new ArrayList<>(page.keys().size());
        for (byte[] k : page.keys()) {
            if (pattern != null && !pattern.matches(k)) {
                continue;
            }
            if (type != null && !hasType(db, k, type)) {
                continue;
            }
            keys.add(new BulkReply(k));
        }
        return ArrayReply.of(BulkReply.of(page.cursor()), ArrayReply.of(keys));
    }

    /** SCAN's TYPE filter: Redis looks the key up (a counted read) and compares names ignoring case. */
    private boolean hasType(int db, byte[] key, byte[] type) {
        Entry e = ks.get(db, key);
        if (e == null) {
            ctx.stats().miss();
            return false;
        }
        ctx.stats().hit();
        return Args.is(type, e.type().redisName());
    }

    private Reply randomkey(Session s, byte[][] a) {
        byte[] k = ks.randomKey(s.db());
        return k == null ? NullReply.BULK : new BulkReply(k);
    }
}
