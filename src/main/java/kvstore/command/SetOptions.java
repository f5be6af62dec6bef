package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.resp.ErrorReply;

/**
 * The options of SET and GETEX (NX XX GET KEEPTTL PERSIST EX PX EXAT PXAT), parsed with the exact
 * combination rules and error replies of Redis 7.0's parseExtendedStringArgumentsOrReply.
 */
record SetOptions(boolean nx, boolean xx, boolean get, boolean keepTtl, boolean persist, long expireAt,
                  ErrorReply error) {

    enum Command {
        SET("set"), GETEX("getex");

        final String name;

        Command(String name) {
            this.name = name;
        }
    }

    private static final int NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256;

    static SetOptions parse(byte[][] a, int from, Command command) {
        int flags = 0;
        byte[] expire = null;
        for (int j = from; j < a.length; j++) {
            byte[] opt = a[j];
            boolean hasNext = j + 1 < a.length;
            if (Args.is(opt, "nx") && (flags & XX) == 0 && command == Command.SET) {
                flags |= NX;
            } else if (Args.is(opt, "xx") && (flags & NX) == 0 && command == Command.SET) {
                flags |= XX;
            } else if (Args.is(opt, "get") && command == Command.SET) {
                flags |= GET;
            } else if (Args.is(opt, "keepttl") && (flags & (PERSIST | EX | EXAT | PX | PXAT)) == 0
                    && command == Command.SET) {
                flags |= KEEPTTL;
            } else if (Args.is(opt, "persist") && command == Command.GETEX && (flags & (EX | EXAT | PX | PXAT | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (Args.is(opt, "ex") && (flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) == 0 && hasNext) {
                flags |= EX;
                expire = a[++j];
            } else if (Args.is(opt, "px") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) == 0 && hasNext) {
                flags |= PX;
                expire = a[++j];
            } else if (Args.is(opt, "exat") && (flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) == 0 && hasNext) {
                flags |= EXAT;
                expire = a[++j];
            } else if (Args.is(opt, "pxat") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) == 0 && hasNext) {
                flags |= PXAT;
                expire = a[++j];
            } else {
                return failed(ErrorReply.SYNTAX);
            }
        }
        long expireAt = Entry.NO_EXPIRY;
        if (expire != null) {
            boolean seconds = (flags & (EX | EXAT)) != 0;
            boolean relative = (flags & (EX | PX)) != 0;
            long when = expireTime(expire, seconds, relative);
            if (when == Long.MIN_VALUE) {
                return failed(ErrorReply.NOT_INTEGER);
            }
            if (when <= 0) {
                return failed(ErrorReply.err("invalid expire time in '" + command.name + "' command"));
            }
            expireAt = when;
        }
        return new SetOptions((flags & NX) != 0, (flags & XX) != 0, (flags & GET) != 0, (flags & KEEPTTL) != 0,
                (flags & PERSIST) != 0, expireAt, null);
    }

    /**
     * The absolute expiry in ms: Long.MIN_VALUE if not an integer, 0 or less if invalid
     * (not positive, or overflowing), as getExpireMillisecondsOrReply decides.
     */
    static long expireTime(byte[] arg, boolean seconds, boolean relative) {
        long v = Args.parseLong(arg);
        if (v == Args.INVALID && !Args.isLong(arg)) {
            return Long.MIN_VALUE;
        }
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            return 0;
        }
        if (seconds) {
            v *= 1000;
        }
        if (relative) {
            long now = System.currentTimeMillis();
            if (v > Long.MAX_VALUE - now) {
                return 0;
            }
            v += now;
        }
        return v;
    }

    private static SetOptions failed(ErrorReply e) {
        return new SetOptions(false, false, false, false, false, 0, e);
    }
}
