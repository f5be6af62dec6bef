package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.resp.ErrorReply;

/**
 * The options of SET and GETEX (NX XX GET KEEPTTL PERSIST EX PX EXAT PXAT), parsed with the exact
 * combination rules and error replies of Redis 7.0's parseExtendedStringArgumentsOrReply. The expire
 * argument is kept raw: Redis validates it at different moments for SET (before anything else) and
 * GETEX (after the key lookup), see {@link #expireAt}.
 */
record SetOptions(int flags, byte[] expire, ErrorReply error) {

    static final int NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** Plain SET: no options, shared so the hot path allocates nothing. */
    static final SetOptions NONE = new SetOptions(0, null, null);

    /** Returned by {@link #expireAt} when the argument is not an integer. */
    static final long NOT_INTEGER = -1;
    /** Returned by {@link #expireAt} when the time is not positive or overflows. */
    static final long INVALID_TIME = -2;

    enum Command {
        SET, GETEX
    }

    static SetOptions parse(byte[][] a, int from, Command command) {
        if (from >= a.length) {
            return NONE;
        }
        boolean set = command == Command.SET;
        int flags = 0;
        byte[] expire = null;
        for (int j = from; j < a.length; j++) {
            byte[] opt = a[j];
            boolean hasNext = j + 1 < a.length;
            if (set && cIs(opt, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (set && cIs(opt, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (set && cIs(opt, "get")) {
                flags |= GET;
            } else if (set && cIs(opt, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
                flags |= KEEPTTL;
            } else if (!set && cIs(opt, "persist") && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (cIs(opt, "ex") && (flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) == 0 && hasNext) {
                flags |= EX;
                expire = a[++j];
            } else if (cIs(opt, "px") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) == 0 && hasNext) {
                flags |= PX;
                expire = a[++j];
            } else if (cIs(opt, "exat") && (flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) == 0 && hasNext) {
                flags |= EXAT;
                expire = a[++j];
            } else if (cIs(opt, "pxat") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) == 0 && hasNext) {
                flags |= PXAT;
                expire = a[++j];
            } else {
                return new SetOptions(0, null, ErrorReply.SYNTAX);
            }
        }
        return new SetOptions(flags, expire, null);
    }

    /** SETEX / PSETEX: a relative expiry in seconds (EX) or milliseconds (PX). */
    static SetOptions relative(int unitFlag, byte[] expire) {
        return new SetOptions(unitFlag, expire, null);
    }

    boolean nx() {
        return (flags & NX) != 0;
    }

    boolean xx() {
        return (flags & XX) != 0;
    }

    boolean get() {
        return (flags & GET) != 0;
    }

    boolean keepTtl() {
        return (flags & KEEPTTL) != 0;
    }

    boolean persist() {
        return (flags & PERSIST) != 0;
    }

    boolean absolute() {
        return (flags & (EXAT | PXAT)) != 0;
    }

    /**
     * The absolute expiry in ms as getExpireMillisecondsOrReply computes it, or {@link #NOT_INTEGER} /
     * {@link #INVALID_TIME}; {@link Entry#NO_EXPIRY} when no expire option was given.
     */
    long expireAt(long now) {
        if (expire == null) {
            return Entry.NO_EXPIRY;
        }
        long v = Args.parseLong(expire);
        if (v == Args.INVALID && !Args.isLong(expire)) {
            return NOT_INTEGER;
        }
        boolean seconds = (flags & (EX | EXAT)) != 0;
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            return INVALID_TIME;
        }
        if (seconds) {
            v *= 1000;
        }
        if ((flags & (EX | PX)) != 0) {
            if (v > Long.MAX_VALUE - now) {
                return INVALID_TIME; // Redis's addition wraps negative and is refused
            }
            v += now;
        }
        return v;
    }

    /** The reply for a failed {@link #expireAt}; {@code command} is the lower-case command name. */
    static ErrorReply expireError(long code, String command) {
        return code == NOT_INTEGER ? ErrorReply.NOT_INTEGER
                : ErrorReply.err("invalid expire time in '" + command + "' command");
    }

    /**
     * Option matching as Redis does it on C strings: the argument up to its first NUL byte must equal
     * {@code lower}, ignoring case ("NX\0junk" is NX to Redis).
     */
    static boolean cIs(byte[] arg, String lower) {
        int n = lower.length();
        if (arg.length < n || (arg.length > n && arg[n] != 0)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = arg[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
