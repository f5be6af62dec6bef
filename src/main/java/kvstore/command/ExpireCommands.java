package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST (Redis expire.c). */
final class ExpireCommands {
    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;

    private final CommandContext ctx;
    private final Keyspace ks;

    ExpireCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(setter("expire", false, true, "Set a key's time to live in seconds", "1.0.0"));
        t.add(setter("pexpire", false, false, "Set a key's time to live in milliseconds", "2.6.0"));
        t.add(setter("expireat", true, true, "Set the expiration for a key as a UNIX timestamp", "1.2.0"));
        t.add(setter("pexpireat", true, false,
                "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0"));
        t.add(getter("ttl", false, false, "Get the time to live for a key in seconds", "1.0.0"));
        t.add(getter("pttl", true, false, "Get the time to live for a key in milliseconds", "2.6.0"));
        t.add(getter("expiretime", false, true, "Get the expiration Unix timestamp for a key", "7.0.0"));
        t.add(getter("pexpiretime", true, true,
                "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0"));
        t.add(CommandSpec.builder("persist", 2, this::persist).flags(WRITE, FAST).keys(1, 1, 1)
                .categories("keyspace", "write", "fast").doc("Remove the expiration from a key", "2.2.0").build());
    }

    private CommandSpec setter(String name, boolean absolute, boolean seconds, String summary, String since) {
        return CommandSpec.builder(name, -3, (s, a) -> expire(s, a, name, absolute, seconds))
                .flags(WRITE, FAST).keys(1, 1, 1).categories("keyspace", "write", "fast").doc(summary, since).build();
    }

    private CommandSpec getter(String name, boolean millis, boolean absolute, String summary, String since) {
        return CommandSpec.builder(name, 2, (s, a) -> ttl(s, a, millis, absolute))
                .flags(READONLY, FAST).keys(1, 1, 1).categories("keyspace", "read", "fast").doc(summary, since).build();
    }

    /** Redis's expireGenericCommand: options first, then the number, then overflow, then the key. */
    private Reply expire(Session s, byte[][] a, String name, boolean absolute, boolean seconds) {
        int flags = 0;
        for (int i = 3; i < a.length; i++) {
            if (Args.is(a[i], "nx")) {
                flags |= NX;
            } else if (Args.is(a[i], "xx")) {
                flags |= XX;
            } else if (Args.is(a[i], "gt")) {
                flags |= GT;
            } else if (Args.is(a[i], "lt")) {
                flags |= LT;
            } else {
                return ErrorReply.err("Unsupported option " + Args.str(a[i]));
            }
        }
        if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
            return ErrorReply.err("NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & (GT | LT)) == (GT | LT)) {
            return ErrorReply.err("GT and LT options at the same time are not compatible");
        }
        long when;
        try {
            when = Args.longValue(a[2]);
        } catch (NumberFormatException e) {
            return ErrorReply.NOT_INTEGER;
        }
        long now = System.currentTimeMillis();
        long base = absolute ? 0 : now;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                return invalidTime(name);
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - base) {
            return invalidTime(name);
        }
        when += base;

        int db = s.db();
        Entry e = ks.get(db, a[1]);
        if (e == null) {
            return IntegerReply.ZERO;
        }
        if (flags != 0) {
            long current = e.hasExpiry() ? e.expireAt() : -1;
            if ((flags & NX) != 0 && current != -1
                    || (flags & XX) != 0 && current == -1
                    || (flags & GT) != 0 && (when <= current || current == -1)
                    || (flags & LT) != 0 && current != -1 && when >= current) {
                return IntegerReply.ZERO;
            }
        }
        if (when <= now) {
            // already in the past: Redis deletes the key at once (and propagates a DEL)
            ks.delete(db, a[1]);
        } else {
            ks.put(db, a[1], e.withExpiry(when));
        }
        return IntegerReply.ONE;
    }

    private static ErrorReply invalidTime(String name) {
        return ErrorReply.err("invalid expire time in '" + name + "' command");
    }

    private Reply ttl(Session s, byte[][] a, boolean millis, boolean absolute) {
        Entry e = ks.get(s.db(), a[1]);
        if (e == null) {
            ctx.stats().miss();
            return IntegerReply.MINUS_TWO;
        }
        ctx.stats().hit();
        if (!e.hasExpiry()) {
            return IntegerReply.MINUS_ONE;
        }
        long ttl = absolute ? e.expireAt() : e.expireAt() - System.currentTimeMillis();
        if (ttl < 0) {
            ttl = 0;
        }
        // unsigned, as in Redis: a expiry near 2^63 ms must not wrap negative when rounded
        return IntegerReply.of(millis ? ttl : Long.divideUnsigned(ttl + 500, 1000));
    }

    private Reply persist(Session s, byte[][] a) {
        int db = s.db();
        Entry e = ks.get(db, a[1]);
        if (e == null || !e.hasExpiry()) {
            return IntegerReply.ZERO;
        }
        ks.put(db, a[1], e.withExpiry(Entry.NO_EXPIRY));
        return IntegerReply.ONE;
    }
}
