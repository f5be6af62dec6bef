package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import static kvstore.command.CommandFlag.ADMIN;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.STALE;
import static kvstore.command.CommandFlag.WRITE;

/**
 * Server-wide commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SAVE, BGSAVE, LASTSAVE, SHUTDOWN, MONITOR,
 * and registration of the bigger ones (CLIENT, CONFIG, INFO, COMMAND, DEBUG, SLOWLOG).
 *
 * <p>The engine is in memory: SAVE and BGSAVE make acknowledged writes durable through
 * {@code keyspace.sync()} (which for the memory engine has nothing to write) and record the time,
 * so LASTSAVE and INFO persistence report what happened; no RDB file is produced.
 */
final class ServerCommands {
    private static final SimpleReply BGSAVE_STARTED = new SimpleReply("Background saving started");
    private static final ErrorReply SWAPDB_ON_RING = ErrorReply.err("SWAPDB is not allowed in cluster mode");
    private static final ErrorReply INVALID_FIRST_DB = ErrorReply.err("invalid first DB index");
    private static final ErrorReply INVALID_SECOND_DB = ErrorReply.err("invalid second DB index");

    private final CommandContext ctx;

    ServerCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("dbsize", 1, (s, a) -> IntegerReply.of(ctx.keyspace().size(s.db())))
                .flags(READONLY, FAST).categories("keyspace", "read", "fast").group("server")
                .doc("Returns the number of keys in the database.", "1.0.0").build());
        t.add(CommandSpec.builder("flushdb", -1, this::flushdb).flags(WRITE).categories("keyspace", "write", "slow", "dangerous")
                .group("server").doc("Removes all keys from the current database.", "1.0.0").build());
        t.add(CommandSpec.builder("flushall", -1, this::flushall).flags(WRITE).categories("keyspace", "write", "slow", "dangerous")
                .group("server").doc("Removes all keys from all databases.", "1.0.0").build());
        t.add(CommandSpec.builder("swapdb", 3, this::swapdb).flags(WRITE, FAST).categories("keyspace", "write", "fast", "dangerous")
                .group("server").doc("Swaps two Redis databases.", "4.0.0").build());
        t.add(CommandSpec.builder("shutdown", -1, this::shutdown).flags(ADMIN, NOSCRIPT, LOADING, STALE, CommandFlag.NO_MULTI, CommandFlag.ALLOW_BUSY)
                .categories("admin", "slow", "dangerous").group("server")
                .doc("Synchronously saves the database(s) to disk and shuts down the Redis server.", "1.0.0").build());
        t.add(CommandSpec.builder("time", 1, this::time).flags(LOADING, STALE, FAST).categories("fast")
                .group("server").doc("Returns the server time.", "2.6.0").build());
        t.add(CommandSpec.builder("lastsave", 1, (s, a) -> IntegerReply.of(ctx.stats().lastSaveSeconds()))
                .flags(LOADING, STALE, FAST).categories("admin", "fast", "dangerous").group("server")
                .doc("Returns the Unix timestamp of the last successful save to disk.", "1.0.0").build());
        t.add(CommandSpec.builder("save", 1, this::save).flags(ADMIN, NOSCRIPT, CommandFlag.NO_MULTI).categories("admin", "slow", "dangerous")
                .group("server").doc("Synchronously saves the database(s) to disk.", "1.0.0").build());
        t.add(CommandSpec.builder("bgsave", -1, this::bgsave).flags(ADMIN, NOSCRIPT).categories("admin", "slow", "dangerous")
                .group("server").doc("Asynchronously saves the database(s) to disk.", "1.0.0").build());
        t.add(CommandSpec.builder("monitor", 1, this::monitor).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                .categories("admin", "slow", "dangerous").group("server")
                .doc("Listens for all requests received by the server in real-time.", "1.0.0").build());
        new ClientCommand(ctx).register(t);
        new ConfigCommand(ctx).register(t);
        new InfoCommand(ctx).register(t);
        new CommandCommand(ctx).register(t);
        new DebugCommand(ctx).register(t);
        new SlowlogCommand(ctx).register(t);
    }

    /** FLUSHDB/FLUSHALL take nothing, SYNC or ASYNC (both flush at once here). */
    private static boolean validFlushArgs(byte[][] a) {
        return a.length == 1 || (a.length == 2 && (Args.is(a[1], "sync") || Args.is(a[1], "async")));
    }

    private Reply flushdb(Session s, byte[][] a) {
        if (!validFlushArgs(a)) {
            return ErrorReply.SYNTAX;
        }
        ctx.keyspace().flush(s.db());
        return SimpleReply.OK;
    }

    private Reply flushall(Session s, byte[][] a) {
        if (!validFlushArgs(a)) {
            return ErrorReply.SYNTAX;
        }
        for (int db = 0; db < ctx.databases(); db++) {
            ctx.keyspace().flush(db);
        }
        return SimpleReply.OK;
    }

    /**
     * SWAPDB index index: Redis's replies and errors. Transactions watching a key that exists in either
     * database fail at EXEC (Redis's touchAllWatchedKeysInDb, with expired keys counting as absent), and
     * clients blocked on a key of either database try again, as the key may now hold what they wait for.
     */
    private Reply swapdb(Session s, byte[][] a) {
        if (ctx.keyspace().replicated()) {
            return SWAPDB_ON_RING;
        }
        long first = Args.parseLong(a[1]);
        if (first == Args.INVALID || first != (int) first) {
            return INVALID_FIRST_DB;
        }
        long second = Args.parseLong(a[2]);
        if (second == Args.INVALID || second != (int) second) {
            return INVALID_SECOND_DB;
        }
        if (first < 0 || first >= ctx.databases() || second < 0 || second >= ctx.databases()) {
            return ErrorReply.DB_INDEX;
        }
        if (first != second) {
            touchWatchedIn((int) first, (int) second);
            touchWatchedIn((int) second, (int) first);
            ctx.keyspace().swapDatabases((int) first, (int) second);
            ctx.blocking().touchedDatabase((int) first);
            ctx.blocking().touchedDatabase((int) second);
        }
        return SimpleReply.OK;
    }

    /** Marks the transactions watching a key of {@code db} that exists there or in {@code other}. */
    private void touchWatchedIn(int db, int other) {
        for (byte[] key : ctx.watchedKeys().keysIn(db)) {
            if (ctx.keyspace().get(db, key) != null || ctx.keyspace().get(other, key) != null) {
                ctx.watchedKeys().touch(db, key);
            }
        }
    }

    private Reply time(Session s, byte[][] a) {
        java.time.Instant now = java.time.Instant.now();
        return ArrayReply.of(BulkReply.of(now.getEpochSecond()), BulkReply.of(now.getNano() / 1000));
    }

    private void doSave() {
        long start = System.currentTimeMillis();
        ctx.keyspace().sync();
        ctx.stats().saved(System.currentTimeMillis() - start);
    }

    private Reply save(Session s, byte[][] a) {
        doSave();
        return SimpleReply.OK;
    }

    private Reply bgsave(Session s, byte[][] a) {
        if (a.length > 2 || (a.length == 2 && !Args.is(a[1], "schedule"))) {
            return ErrorReply.SYNTAX;
        }
        // no save is ever in progress when a command runs, so SCHEDULE saves at once too
        doSave();
        return BGSAVE_STARTED;
    }

    private Reply monitor(Session s, byte[][] a) {
        s.startMonitoring();
        return SimpleReply.OK;
    }

    private Reply shutdown(Session s, byte[][] a) {
        boolean nosave = false;
        boolean save = false;
        boolean abort = false;
        boolean other = false;
        for (int i = 1; i < a.length; i++) {
            if (Args.is(a[i], "nosave")) {
                nosave = true;
            } else if (Args.is(a[i], "save")) {
                save = true;
            } else if (Args.is(a[i], "now") || Args.is(a[i], "force")) {
                other = true;
            } else if (Args.is(a[i], "abort")) {
                abort = true;
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        if ((abort && (nosave || save || other)) || (nosave && save)) {
            return ErrorReply.SYNTAX;
        }
        if (abort) {
            // SHUTDOWN here never waits (no replicas to catch up), so none is ever in progress
            return ErrorReply.err("No shutdown in progress.");
        }
        if (!nosave) {
            doSave();
        }
        ctx.server().shutdown();
        s.closeAfterReply();
        return Reply.NONE;
    }
}
