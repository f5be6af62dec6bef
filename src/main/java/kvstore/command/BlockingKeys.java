package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.ErrorReply;

import kvstore.resp.Reply;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients blocked by BLPOP and friends, per (db, key), in the order they blocked.
 *
 * <p>How it works: a blocking command that cannot be served returns {@link Blocked}; the connection
 * {@link #block registers} a {@link Waiter} (and stops running that client's later requests). Every
 * successful write command marks its keys {@link #touched}; the thread that ran it then calls
 * {@link #serveReady} right after the command, before its next one, which runs the waiting commands
 * of each touched key again, oldest first, under their own key locks, until one blocks again (the
 * key is empty). A served command's reply goes to its connection through {@link Delivery}. Timeouts
 * and disconnects {@link Waiter#claim claim} the waiter first, so a waiter is answered once.
 *
 * <p>Registering happens after the command released its locks, so a push in between could be missed:
 * {@link #block} therefore marks the new waiter's keys ready, and the caller serves them at once.
 */
public final class BlockingKeys {
    /** Hands a served command's reply to its connection (called on any thread). */
    @FunctionalInterface
    public interface Delivery {
        void deliver(Reply reply);
    }

    /** One blocked command. */
    public static final class Waiter {
        private static final int WAITING = 0;
        private static final int SERVING = 1;
        private static final int DONE = 2;

        private final Session session;
        private final byte[][] argv;
        private final List<KeyRef> keys;
        private final boolean hasTimeout;
        private final Delivery delivery;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        private Waiter(Session session, byte[][] argv, List<KeyRef> keys, boolean hasTimeout, Delivery delivery) {
            this.session = session;
            this.argv = argv;
            this.keys = keys;
            this.hasTimeout = hasTimeout;
            this.delivery = delivery;
        }

        /** Takes the waiter for answering; false if someone else is answering it or has. */
        public boolean claim() {
            return state.compareAndSet(WAITING, SERVING);
        }

        public boolean done() {
            return state.get() == DONE;
        }

        private void release() {
            state.set(WAITING);
        }
    }

    private record KeyRef(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyRef k && k.db == db && Arrays.equals(k.key, key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + db;
        }
    }

    private final Keyspace keyspace;
    private final Map<KeyRef, ArrayDeque<Waiter>> waiting = new HashMap<>();
    private final ArrayDeque<KeyRef> ready = new ArrayDeque<>();
    private final Set<KeyRef> readySet = new HashSet<>();
    /** Registered waiters; read without the monitor on every write command. */
    private final AtomicInteger blocked = new AtomicInteger();
    private final AtomicInteger withTimeout = new AtomicInteger();

    BlockingKeys(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** True if a key the waiter pops from holds a value of another type than it pops (a list, or a sorted set for BZPOP*). */
    private boolean sourceChangedType(Waiter w) {
        ValueType pops = Args.str(w.argv[0]).toLowerCase(java.util.Locale.ROOT).startsWith("bz") ? ValueType.ZSET : ValueType.LIST;
        for (KeyRef k : w.keys) {
            Entry e = keyspace.get(k.db, k.key);
            if (e != null && e.type() != pops) {
                return true;
            }
        }
        return false;
    }

    /** Registers a blocked command and marks its keys ready (see the class comment); call {@link #serveReady} next. */
    public Waiter block(Session session, byte[][] argv, Blocked b, Delivery delivery) {
        List<KeyRef> keys = new ArrayList<>(b.keys().length);
        for (byte[] k : b.keys()) {
            KeyRef ref = new KeyRef(b.db(), k);
            if (!keys.contains(ref)) {
                keys.add(ref);
            }
        }
        Waiter w = new Waiter(session, argv, keys, b.timeoutMillis() > 0, delivery);
        synchronized (this) {
            for (KeyRef k : keys) {
                waiting.computeIfAbsent(k, x -> new ArrayDeque<>()).add(w);
                markReady(k);
            }
        }
        blocked.incrementAndGet();
        if (w.hasTimeout) {
            withTimeout.incrementAndGet();
        }
        return w;
    }

    /** Marks a waiter's keys ready, so that {@link #serveReady} tries it again (a ring's periodic retry). */
    public void retry(Waiter w) {
        synchronized (this) {
            for (KeyRef k : w.keys) {
                markReady(k);
            }
        }
    }

    /** Removes a waiter that its caller has {@link Waiter#claim claimed} (timeout, disconnect). */
    public void unblock(Waiter w) {
        synchronized (this) {
            for (KeyRef k : w.keys) {
                ArrayDeque<Waiter> q = waiting.get(k);
                if (q != null) {
                    q.remove(w);
                    if (q.isEmpty()) {
                        waiting.remove(k);
                    }
                }
            }
        }
        w.state.set(Waiter.DONE);
        blocked.decrementAndGet();
        if (w.hasTimeout) {
            withTimeout.decrementAndGet();
        }
    }

    /** INFO clients blocked_clients. */
    public int blockedClients() {
        return blocked.get();
    }

    /** INFO clients clients_in_timeout_table: blocked clients with a timeout. */
    public int clientsWithTimeout() {
        return withTimeout.get();
    }

    /** True if anything may need serving; cheap enough for every command. */
    public boolean active() {
        return blocked.get() > 0;
    }

    /** A write command changed {@code key}: clients waiting on it get a chance after the command. */
    void touched(int db, byte[] key) {
        if (blocked.get() == 0) {
            return;
        }
        synchronized (this) {
            markReady(new KeyRef(db, key));
        }
    }

    /** Every key of {@code db} may hold something else now (SWAPDB): clients waiting on one get a chance. */
    void touchedDatabase(int db) {
        if (blocked.get() == 0) {
            return;
        }
        synchronized (this) {
            for (KeyRef k : waiting.keySet()) {
                if (k.db == db) {
                    markReady(k);
                }
            }
        }
    }

    private void markReady(KeyRef k) {
        if (waiting.containsKey(k) && readySet.add(k)) {
            ready.add(k);
        }
    }

    /**
     * Runs the commands waiting on every ready key again, oldest first per key, until one of them
     * blocks again. Served commands may make more keys ready (BLMOVE pushes), which are served too.
     */
    public void serveReady(CommandDispatcher dispatcher) {
        while (true) {
            Waiter[] queue;
            synchronized (this) {
                if (ready.isEmpty()) {
                    return;
                }
                KeyRef k = ready.poll();
                readySet.remove(k);
                ArrayDeque<Waiter> q = waiting.get(k);
                if (q == null) {
                    continue;
                }
                queue = q.toArray(new Waiter[0]);
            }
            for (Waiter w : queue) {
                if (!w.claim()) {
                    continue;
                }
                Reply r = dispatcher.dispatch(w.session, w.argv);
                if (r instanceof Blocked || r == ErrorReply.WRONGTYPE && sourceChangedType(w)) {
                    // a key it waits on now holding another type does not wake it, as in Redis (a
                    // wrong type found when it first ran, or at BLMOVE's destination, is an error)
                    w.release();
                    break;
                }
                unblock(w);
                dispatcher.endOfBatch(); // the pop reaches the commit log before its reply leaves
                w.delivery.deliver(r);
            }
        }
    }
}
