package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/** The string commands: GET, SET and the rest of Redis's string group. */
final class StringCommands {
    private final CommandContext ctx;
    private final Keyspace ks;

    StringCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("get", 2, this::get).flags(READONLY, FAST).keys(1, 1, 1)
                .categories("read", "string", "fast").group("string").doc("Returns the string value of a key.", "1.0.0").build());
        t.add(CommandSpec.builder("set", -3, this::set).flags(WRITE, DENYOOM).keys(1, 1, 1)
                .categories("write", "string", "slow").group("string")
                .doc("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0")
                .build());
    }

    /** The live string at {@code key}: null if absent; throws {@link WrongTypeException} for other types. */
    Entry getString(int db, byte[] key) {
        Entry e = ks.get(db, key);
        if (e != null && e.type() != ValueType.STRING) {
            throw new WrongTypeException();
        }
        return e;
    }

    private Reply get(Session s, byte[][] a) {
        Entry e = ks.get(s.db(), a[1]);
        if (e == null) {
            ctx.stats().miss();
            return NullReply.BULK;
        }
        ctx.stats().hit();
        if (e.type() != ValueType.STRING) {
            return ErrorReply.WRONGTYPE;
        }
        return new BulkReply(e.value());
    }

    private Reply set(Session s, byte[][] a) {
        SetOptions o = SetOptions.parse(a, 3, SetOptions.Command.SET);
        if (o.error() != null) {
            return o.error();
        }
        return set(s, a[1], a[2], o, SimpleReply.OK, NullReply.BULK);
    }

    /**
     * The body of SET and its variants: {@code okReply} on success, {@code abortReply} when NX/XX stops
     * the write; with GET, the old value instead of either.
     */
    Reply set(Session s, byte[] key, byte[] value, SetOptions o, Reply okReply, Reply abortReply) {
        int db = s.db();
        Entry old = ks.get(db, key);
        Reply getReply = null;
        if (o.get()) {
            if (old != null && old.type() != ValueType.STRING) {
                return ErrorReply.WRONGTYPE;
            }
            getReply = old == null ? NullReply.BULK : new BulkReply(old.value());
        }
        if ((o.nx() && old != null) || (o.xx() && old == null)) {
            return getReply != null ? getReply : abortReply;
        }
        long expireAt = o.expireAt();
        if (o.keepTtl() && old != null) {
            expireAt = old.expireAt();
        }
        if (expireAt != Entry.NO_EXPIRY && expireAt <= System.currentTimeMillis()) {
            ks.delete(db, key);
        } else {
            ks.put(db, key, Entry.string(value, expireAt));
        }
        return getReply != null ? getReply : okReply;
    }
}
