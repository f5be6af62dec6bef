package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.Arrays;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.WRITE;

/**
 * RENAME, RENAMENX, COPY and MOVE (Redis db.c). The value moves with its type and expiry.
 *
 * <p>MOVE and COPY ... DB n write a key of another database; a key's lock stripe is the same in every
 * database ({@link kvstore.keyspace.KeyLocks}), so the stripes the dispatcher takes for the command's keys cover it.
 */
final class CopyMoveCommands {
    private static final ErrorReply SAME_OBJECT = ErrorReply.err("source and destination objects are the same");

    private static final ErrorReply INT_RANGE =
            ErrorReply.err("value is out of range, value must between -2147483648 and 2147483647");
    private static final long BAD_INT = Long.MIN_VALUE;

    private final CommandContext ctx;
    private final Keyspace ks;

    CopyMoveCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("rename", 3, (s, a) -> rename(s, a, false)).flags(WRITE).keys(1, 2, 1)
                .categories("keyspace", "write", "slow").doc("Rename a key", "1.0.0").build());
        t.add(CommandSpec.builder("renamenx", 3, (s, a) -> rename(s, a, true)).flags(WRITE, FAST).keys(1, 2, 1)
                .categories("keyspace", "write", "fast").doc("Rename a key, only if the new key does not exist", "1.0.0")
                .build());
        t.add(CommandSpec.builder("copy", -3, this::copy).flags(WRITE, DENYOOM).keys(1, 2, 1)
                .categories("keyspace", "write", "slow").doc("Copy a key", "6.2.0").build());
        t.add(CommandSpec.builder("move", 3, this::move).flags(WRITE, FAST).keys(1, 1, 1)
                .categories("keyspace", "write", "fast").doc("Move a key to another database", "1.0.0").build());
    }

    private Reply rename(Session s, byte[][] a, boolean nx) {
        int db = s.db();
        Entry e = ks.get(db, a[1]);
        if (e == null) {
            return ErrorReply.NO_SUCH_KEY;
        }
        if (Arrays.equals(a[1], a[2])) {
            return nx ? IntegerReply.ZERO : SimpleReply.OK;
        }
        if (nx && ks.get(db, a[2]) != null) {
            return IntegerReply.ZERO;
        }
        CollectionKey.copyValue(ks, e, db, a[1], db, a[2]);
        ks.delete(db, a[1]);
        return nx ? IntegerReply.ONE : SimpleReply.OK;
    }

    private Reply copy(Session s, byte[][] a) {
        int db = s.db();
        int dst = db;
        boolean replace = false;
        for (int j = 3; j < a.length; j++) {
            if (Args.is(a[j], "replace")) {
                replace = true;
            } else if (Args.is(a[j], "db") && j + 1 < a.length) {
                long id = intValue(a[j + 1]);
                if (id == BAD_INT) {
                    return intError(a[j + 1]);
                }
                if (id < 0 || id >= ctx.databases()) {
                    return ErrorReply.DB_INDEX;
                }
                dst = (int) id;
                j++;
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        if (dst == db && Arrays.equals(a[1], a[2])) {
            return SAME_OBJECT;
        }
        // the destination's lock is the stripe of its key, which the dispatcher holds whatever the database
        Entry e = ks.get(db, a[1]);
        if (e == null) {
            ctx.stats().miss();
            return IntegerReply.ZERO;
        }
        ctx.stats().hit();
        if (ks.get(dst, a[2]) != null && !replace) {
            return IntegerReply.ZERO;
        }
        // put replaces whatever was there (REPLACE), keeping the source's type and expiry
        CollectionKey.copyValue(ks, e, db, a[1], dst, a[2]);
        return IntegerReply.ONE;
    }

    private Reply move(Session s, byte[][] a) {
        int db = s.db();
        long id = intValue(a[2]);
        if (id == BAD_INT) {
            return intError(a[2]);
        }
        if (id < 0 || id >= ctx.databases()) {
            return ErrorReply.DB_INDEX;
        }
        int dst = (int) id;
        if (dst == db) {
            return SAME_OBJECT;
        }
        // the key's stripe, which the dispatcher holds, locks it in every database
        Entry e = ks.get(db, a[1]);
        if (e == null || ks.get(dst, a[1]) != null) {
            return IntegerReply.ZERO;
        }
        CollectionKey.copyValue(ks, e, db, a[1], dst, a[1]);
        ks.delete(db, a[1]);
        return IntegerReply.ONE;
    }

    /** Redis's getIntFromObjectOrReply: a string2ll number within the range of a C int. */
    private static long intValue(byte[] arg) {
        long v = Args.parseLong(arg);
        return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? BAD_INT : v;
    }

    private static ErrorReply intError(byte[] arg) {
        return Args.isLong(arg) ? INT_RANGE : ErrorReply.NOT_INTEGER;
    }
}
