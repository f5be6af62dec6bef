package kvstore.command;

import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.STALE;
import static kvstore.command.CommandFlag.WRITE;

/** Server-wide commands: DBSIZE, FLUSHDB, FLUSHALL, SHUTDOWN and the rest of Redis's server group. */
final class ServerCommands {
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
        t.add(CommandSpec.builder("shutdown", -1, this::shutdown).flags(CommandFlag.ADMIN, NOSCRIPT, LOADING, STALE)
                .categories("admin", "slow", "dangerous").group("server")
                .doc("Synchronously saves the database(s) to disk and shuts down the Redis server.", "1.0.0").build());
    }

    private Reply flushdb(Session s, byte[][] a) {
        ctx.keyspace().flush(s.db());
        return SimpleReply.OK;
    }

    private Reply flushall(Session s, byte[][] a) {
        for (int db = 0; db < ctx.databases(); db++) {
            ctx.keyspace().flush(db);
        }
        return SimpleReply.OK;
    }

    private Reply shutdown(Session s, byte[][] a) {
        ctx.keyspace().sync();
        ctx.server().shutdown();
        s.closeAfterReply();
        return Reply.NONE;
    }
}
