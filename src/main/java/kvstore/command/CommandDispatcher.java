package kvstore.command;

import kvstore.keyspace.KeyLocks;
import kvstore.keyspace.Pace;
import kvstore.keyspace.WouldWaitException;
import kvstore.resp.ArrayReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs one request the way Redis's processCommand does: find the command (and subcommand), check
 * arity, then authentication, then run it under the locks of the keys it writes, and record its
 * statistics. Knows nothing of connections or the wire.
 */
public final class CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);
    /** The commands that run at once between MULTI and EXEC instead of being queued, as in Redis. */
    private static final Set<String> RUN_IN_MULTI = Set.of("exec", "discard", "multi", "watch", "quit", "reset");
    /** What a RESP2 connection with a Pub/Sub subscription may still run, as in Redis. */
    private static final Set<String> PUBSUB_CONTEXT = Set.of("ping", "subscribe", "ssubscribe", "unsubscribe",
            "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

    private final CommandTable table;
    private final CommandContext context;
    private final KeyLocks locks;
    private final kvstore.keyspace.Keyspace keyspace;
    private final BlockingKeys blocking;
    private final WatchedKeys watched;
    /** True on a ring: each command runs in a keyspace scope (quorums, read contexts). */
    private final boolean scoped;
    private volatile CommandListener listener;
    private volatile long slowlogThresholdMicros;
    private volatile int slowlogMaxLen;

    public CommandDispatcher(CommandTable table, CommandContext context) {
        this.table = table;
        this.context = context;
        this.locks = context.keyspace().locks();
        this.keyspace = context.keyspace();
        this.blocking = context.blocking();
        this.watched = context.watchedKeys();
        // a ring of one (or a dispatcher built without a topology, in tests) keeps the plain path
        this.scoped = context.topology() != null && context.topology().ring().members().size() > 1;
        context.setTable(table);
        // read on every command, so kept in fields rather than looked up in the config map
        slowlogThresholdMicros = context.config().getLong("slowlog-log-slower-than");
        slowlogMaxLen = context.config().getInt("slowlog-max-len");
        context.config().onChange("slowlog-log-slower-than", v -> slowlogThresholdMicros = Long.parseLong(v));
        context.config().onChange("slowlog-max-len", v -> slowlogMaxLen = Integer.parseInt(v));
    }

    public void setListener(CommandListener listener) {
        this.listener = listener;
    }

    public CommandTable table() {
        return table;
    }

    /** Ends a batch of commands whose replies are about to be sent; see {@link kvstore.keyspace.Keyspace#endOfBatch}. */
    public void endOfBatch() {
        context.keyspace().endOfBatch();
    }

    public Reply dispatch(Session session, byte[][] argv) {
        return dispatch(session, argv, Pace.WAIT);
    }

    /**
     * Runs one request at the given {@link Pace}. Unless it is {@link Pace#WAIT}, a command on a ring
     * goes on without waiting for its writes' acknowledgements (nor a GET for its replicas' answers),
     * and its reply is then a {@link PendingReply}; the caller sends it, and the connection's later
     * replies, once it completes. The connection's next command may run before that: it reads this
     * node's copy first, which already holds the writes. At {@link Pace#NEVER_WAIT} (the caller is an
     * event loop) it returns null instead of waiting for another node or for a lock: the request has
     * changed nothing and is to run again at another pace.
     */
    public Reply dispatch(Session session, byte[][] argv, Pace pace) {
        Reply reply = checkAndCall(session, argv, pace);
        if (reply != null && !(reply instanceof Blocked) && session.dropReply()
                && !(reply instanceof kvstore.resp.ReplySequence)) {
            return Reply.NONE; // CLIENT REPLY OFF or SKIP; (un)subscribe confirmations are pushes and still go
        }
        return reply;
    }

    private Reply checkAndCall(Session session, byte[][] argv, Pace pace) {
        Transaction tx = session.transaction();
        CommandSpec spec = table.lookup(argv[0]);
        if (spec == null) {
            return reject(tx, null, unknownCommand(argv));
        }
        if (!spec.subcommands().isEmpty() && argv.length >= 2) {
            CommandSpec sub = spec.findSubcommand(argv[1]);
            if (sub == null) {
                return reject(tx, spec, ErrorReply.err("unknown subcommand '" + truncate(argv[1], 128) + "'. Try "
                        + spec.shortName().toUpperCase(Locale.ROOT) + " HELP."));
            }
            spec = sub;
        }
        if (!spec.arityAccepts(argv.length)) {
            return reject(tx, spec, ErrorReply.err("wrong number of arguments for '" + spec.name() + "' command"));
        }
        if (!session.authenticated() && !spec.has(CommandFlag.NO_AUTH)) {
            return reject(tx, spec, ErrorReply.NOAUTH);
        }
        if (session.subscriptions().active() && session.protocol() == 2 && !PUBSUB_CONTEXT.contains(spec.name())) {
            return reject(tx, spec, ErrorReply.err("Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / "
                    + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
        }
        if (tx.open() && !RUN_IN_MULTI.contains(spec.name())) {
            if (spec.has(CommandFlag.NO_MULTI)) {
                return reject(tx, spec, ErrorReply.err("Command not allowed inside a transaction"));
            }
            tx.queue(argv);
            return SimpleReply.QUEUED;
        }
        if (scoped && pace == Pace.NEVER_WAIT && (spec.has(CommandFlag.BLOCKING)
                || spec.has(CommandFlag.WRITE) && spec.firstKey() <= 0 || spec.name().equals("exec"))) {
            // a blocking command registers and retries, one whose keys only it can find (LMPOP)
            // takes their locks itself, and EXEC runs commands that may wait: all where they may wait
            return null;
        }
        if (!scoped || spec.has(CommandFlag.BLOCKING)) {
            pace = Pace.WAIT;
        }
        return call(spec, session, argv, pace);
    }

    /** Runs a command that passed the checks (Redis's call()): locks, statistics, the monitors, watched keys. */
    private Reply call(CommandSpec spec, Session session, byte[][] argv, Pace pace) {
        session.setLastCommand(spec.name());
        int db = session.db();
        boolean watchable = spec.has(CommandFlag.WRITE) && spec.firstKey() > 0 && watched.any();
        long[] before = watchable ? changes(spec, db, argv) : null;
        long start = System.nanoTime();
        Reply reply;
        try {
            reply = spec.has(CommandFlag.WRITE) && spec.firstKey() > 0
                    ? executeLocked(spec, session, argv, pace) : execute(spec, session, argv, pace);
        } catch (WouldWaitException e) {
            return null; // nothing changed: it runs again where it may wait
        }
        if (reply instanceof QueuedCommands q) {
            reply = exec(session, q.commands());
        }
        CommandListener l = listener;
        if (l != null) {
            l.commandRan(session, spec, argv); // after EXEC's own commands, as Redis feeds the monitors
        }
        if (before != null) {
            touchWatched(spec, db, argv, before);
        }
        boolean defer = pace != Pace.WAIT;
        if (blocking.active() && spec.has(CommandFlag.WRITE) && spec.firstKey() > 0 && !reply.isError()
                && !(reply instanceof Blocked)) {
            touchKeys(spec, db, argv);
        }
        if (!defer && reply instanceof PendingReply p) {
            reply = p.result().join(); // never handed to a caller that did not ask for it
        }
        if (reply instanceof PendingReply p) {
            // counted once acknowledged: its time and its outcome include the replicas'
            final CommandSpec s = spec;
            p.result().thenAccept(r -> record(s, session, argv, start, r));
        } else {
            record(spec, session, argv, start, reply);
        }
        return reply;
    }

    /**
     * EXEC: runs the queued commands one after the other, holding the locks of all their keys so that no
     * other client's write comes in between, and replies with their replies. A blocking command does not
     * block here: it answers as if its timeout had passed, as in Redis.
     */
    private Reply exec(Session session, List<byte[][]> commands) {
        List<CommandSpec> specs = new ArrayList<>(commands.size());
        for (byte[][] argv : commands) {
            specs.add(resolve(argv));
        }
        int[] stripes = TransactionLocks.stripes(specs, commands);
        int held = 0;
        List<Reply> replies = new ArrayList<>(commands.size());
        try {
            for (; held < stripes.length; held++) {
                locks.lock(stripes[held]);
            }
            for (int i = 0; i < commands.size(); i++) {
                Reply r = call(specs.get(i), session, commands.get(i), Pace.WAIT);
                if (r instanceof Blocked) {
                    r = specs.get(i).name().equals("blmove") || specs.get(i).name().equals("brpoplpush")
                            ? NullReply.BULK : NullReply.ARRAY;
                }
                replies.add(r);
            }
        } finally {
            for (int i = held - 1; i >= 0; i--) {
                locks.unlock(stripes[i]);
            }
        }
        session.setLastCommand("exec");
        return ArrayReply.of(replies);
    }

    /** The command (or subcommand) a request names; it was checked when queued. */
    private CommandSpec resolve(byte[][] argv) {
        CommandSpec spec = table.lookup(argv[0]);
        if (!spec.subcommands().isEmpty() && argv.length >= 2) {
            spec = spec.findSubcommand(argv[1]);
        }
        return spec;
    }

    /** The write counts of a write command's keys before it runs ({@link kvstore.keyspace.Keyspace#writesThrough}). */
    private long[] changes(CommandSpec spec, int db, byte[][] argv) {
        int last = lastKey(spec, argv);
        int step = Math.max(1, spec.keyStep());
        long[] out = new long[(last - spec.firstKey()) / step + 1];
        for (int i = spec.firstKey(), n = 0; i <= last; i += step) {
            out[n++] = keyspace.writesThrough(db, argv[i]);
        }
        return out;
    }

    /** Marks the transactions watching a key this command wrote (its write count moved). */
    private void touchWatched(CommandSpec spec, int db, byte[][] argv, long[] before) {
        int last = lastKey(spec, argv);
        int step = Math.max(1, spec.keyStep());
        for (int i = spec.firstKey(), n = 0; i <= last; i += step, n++) {
            if (keyspace.writesThrough(db, argv[i]) != before[n]) {
                watched.touch(db, argv[i]);
            }
        }
    }

    private static int lastKey(CommandSpec spec, byte[][] argv) {
        return spec.lastKey() < 0 ? argv.length + spec.lastKey() : Math.min(spec.lastKey(), argv.length - 1);
    }

    /** A command's statistics and slow log entry. */
    private void record(CommandSpec spec, Session session, byte[][] argv, long start, Reply reply) {
        long nanos = System.nanoTime() - start;
        spec.stats().record(nanos, reply.isError());
        context.stats().command();
        if (reply instanceof ErrorReply e) {
            context.stats().error(e.text());
        }
        long slower = slowlogThresholdMicros;
        if (slower >= 0 && nanos / 1000 >= slower && !spec.has(CommandFlag.SKIP_SLOWLOG)) {
            context.slowlog().add(nanos / 1000, argv, session.address(), session.name(), slowlogMaxLen);
        }
    }

    /** Tells the blocked clients that this write command's keys changed (see {@link BlockingKeys}). */
    private void touchKeys(CommandSpec spec, int db, byte[][] argv) {
        int last = lastKey(spec, argv);
        int step = Math.max(1, spec.keyStep());
        for (int i = spec.firstKey(); i <= last; i += step) {
            blocking.touched(db, argv[i]);
        }
    }

    /** Clients blocked on keys, served by the connection after each command. */
    public BlockingKeys blocking() {
        return blocking;
    }

    /** A request refused before it ran; inside MULTI it also dooms the transaction (EXECABORT). */
    private Reply reject(Transaction tx, CommandSpec spec, ErrorReply error) {
        tx.refuse();
        if (spec != null) {
            spec.stats().reject();
        }
        context.stats().error(error.text());
        return error;
    }

    private Reply execute(CommandSpec spec, Session session, byte[][] argv, Pace pace) {
        if (!scoped) {
            return run(spec, session, argv);
        }
        keyspace.beginCommand(session.readQuorum(), session.writeQuorum(), pace);
        Reply reply = null;
        CompletableFuture<Void> acks;
        try {
            reply = run(spec, session, argv);
        } finally {
            acks = keyspace.endCommand();
        }
        if (acks == null) {
            return reply;
        }
        Reply done = reply;
        CompletableFuture<Reply> replied = done instanceof PendingReply p ? p.result() : CompletableFuture.completedFuture(done);
        return new PendingReply(acks.handle((x, e) -> e).thenCombine(replied,
                (e, r) -> e == null ? r : failure(spec.name(), e)));
    }

    private Reply run(CommandSpec spec, Session session, byte[][] argv) {
        try {
            return spec.command().execute(session, argv);
        } catch (WouldWaitException e) {
            throw e;
        } catch (RuntimeException e) {
            return failure(spec.name(), e);
        }
    }

    /** The error reply of a command that failed with {@code e}. */
    static Reply failure(String command, Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof WrongTypeException) {
            return ErrorReply.WRONGTYPE;
        }
        if (e instanceof kvstore.keyspace.ReplyException) {
            return new ErrorReply(e.getMessage());
        }
        log.warn("command '{}' failed", command, e);
        return ErrorReply.err("internal error: " + e);
    }

    private Reply executeLocked(CommandSpec spec, Session session, byte[][] argv, Pace pace) {
        int last = lastKey(spec, argv);
        int step = Math.max(1, spec.keyStep());
        if (last == spec.firstKey()) { // one key: no array on the common path
            int stripe = KeyLocks.stripe(argv[last]);
            lock(stripe, pace);
            try {
                return execute(spec, session, argv, pace);
            } finally {
                locks.unlock(stripe);
            }
        }
        int[] stripes = new int[(last - spec.firstKey()) / step + 1];
        int n = 0;
        for (int i = spec.firstKey(); i <= last; i += step) {
            stripes[n++] = KeyLocks.stripe(argv[i]);
        }
        n = KeyLocks.normalise(stripes, n);
        int held = 0;
        try {
            for (; held < n; held++) {
                lock(stripes[held], pace);
            }
            return execute(spec, session, argv, pace);
        } finally {
            for (int i = held - 1; i >= 0; i--) {
                locks.unlock(stripes[i]);
            }
        }
    }

    /** Takes a key's lock; a command that must not wait gives up if another holds it (its holder may be waiting for other nodes). */
    private void lock(int stripe, Pace pace) {
        if (pace != Pace.NEVER_WAIT) {
            locks.lock(stripe);
        } else if (!locks.tryLock(stripe)) {
            throw WouldWaitException.INSTANCE;
        }
    }

    private static ErrorReply unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            args.append('\'').append(truncate(argv[i], 128 - args.length())).append("' ");
        }
        return ErrorReply.err("unknown command '" + truncate(argv[0], 128) + "', with args beginning with: " + args);
    }

    private static String truncate(byte[] b, int max) {
        return new String(b, 0, Math.min(b.length, max), StandardCharsets.ISO_8859_1);
    }
}
