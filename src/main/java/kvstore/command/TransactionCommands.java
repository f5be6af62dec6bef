package kvstore.command;

import kvstore.resp.ErrorReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import static kvstore.command.CommandFlag.ALLOW_BUSY;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.SKIP_SLOWLOG;
import static kvstore.command.CommandFlag.STALE;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis 7.0's replies and errors. The commands between
 * MULTI and EXEC are queued by the dispatcher; EXEC hands them back to it ({@link QueuedCommands}),
 * which runs them one after the other under the locks of all their keys.
 */
final class TransactionCommands {
    static final ErrorReply EXECABORT = new ErrorReply("EXECABORT Transaction discarded because of previous errors.");

    private final CommandContext ctx;

    TransactionCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("multi", 1, this::multi).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
                .categories("fast", "transaction").group("transactions")
                .doc("Mark the start of a transaction block", "1.2.0").build());
        t.add(CommandSpec.builder("exec", 1, this::exec).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG)
                .categories("slow", "transaction").group("transactions")
                .doc("Execute all commands issued after MULTI", "1.2.0").build());
        t.add(CommandSpec.builder("discard", 1, this::discard).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
                .categories("fast", "transaction").group("transactions")
                .doc("Discard all commands issued after MULTI", "2.0.0").build());
        t.add(CommandSpec.builder("watch", -2, this::watch).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
                .keys(1, -1, 1).categories("fast", "transaction").group("transactions")
                .doc("Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0").build());
        t.add(CommandSpec.builder("unwatch", 1, this::unwatch).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
                .categories("fast", "transaction").group("transactions")
                .doc("Forget about all watched keys", "2.2.0").build());
    }

    private Reply multi(Session s, byte[][] a) {
        Transaction tx = s.transaction();
        if (tx.open()) {
            return ErrorReply.err("MULTI calls can not be nested");
        }
        tx.begin();
        return SimpleReply.OK;
    }

    private Reply exec(Session s, byte[][] a) {
        Transaction tx = s.transaction();
        if (!tx.open()) {
            return ErrorReply.err("EXEC without MULTI");
        }
        if (tx.refused()) {
            tx.discard();
            return EXECABORT;
        }
        if (tx.watchedChanged(ctx.keyspace(), System.currentTimeMillis())) {
            tx.discard();
            return NullReply.ARRAY;
        }
        return new QueuedCommands(tx.take());
    }

    private Reply discard(Session s, byte[][] a) {
        Transaction tx = s.transaction();
        if (!tx.open()) {
            return ErrorReply.err("DISCARD without MULTI");
        }
        tx.discard();
        return SimpleReply.OK;
    }

    private Reply watch(Session s, byte[][] a) {
        Transaction tx = s.transaction();
        if (tx.open()) {
            return ErrorReply.err("WATCH inside MULTI is not allowed");
        }
        if (tx.hasTouches()) {
            return SimpleReply.OK; // already bound to fail: no point watching more
        }
        for (int i = 1; i < a.length; i++) {
            if (!tx.watches(s.db(), a[i])) {
                tx.watch(ctx.watchedKeys(), s.db(), a[i], ctx.keyspace().get(s.db(), a[i]));
            }
        }
        return SimpleReply.OK;
    }

    private Reply unwatch(Session s, byte[][] a) {
        s.transaction().unwatch();
        return SimpleReply.OK;
    }
}
