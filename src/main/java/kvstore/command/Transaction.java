package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One connection's MULTI state and WATCHed keys, as Redis keeps them per client: the commands queued
 * since MULTI, whether one was refused while queueing (EXEC then aborts), and the keys whose change
 * makes EXEC fail.
 *
 * <p>A watched key counts as changed if a write command touched it ({@link WatchedKeys#touch}), or if
 * what is stored under it differs at EXEC from what WATCH saw (its type, value, expiry or write time):
 * that also catches changes no command of this node made, such as an expiry, a FLUSHDB or, on a ring,
 * a write coordinated by another node. A key that lived at WATCH and whose expiry has passed by EXEC
 * counts as changed, as in Redis; one already expired at WATCH does not.
 *
 * <p>The connection's commands use it one at a time; a closing connection's event loop may discard it
 * meanwhile, and {@link #touched} may be set from any thread, hence the locking.
 */
public final class Transaction {
    /** A watched key and what was stored under it when WATCH ran. */
    record Watched(int db, byte[] key, long token, long expireAt) {
    }

    /** Read on every command without the lock (a volatile read), so that no command pays for MULTI. */
    private volatile boolean open;
    private boolean refused;
    private final List<byte[][]> queued = new ArrayList<>();
    private final List<Watched> watched = new ArrayList<>();
    private volatile boolean touched;
    /** Where this connection's watched keys are registered; set by the first WATCH. */
    private WatchedKeys registry;

    boolean open() {
        return open;
    }

    /** CLIENT LIST's multi= field: commands queued since MULTI, or -1 outside one. */
    public synchronized int multiField() {
        return open ? queued.size() : -1;
    }

    synchronized void begin() {
        open = true;
    }

    synchronized void queue(byte[][] argv) {
        if (!refused) {
            queued.add(argv);
        }
    }

    /** A command was refused while queueing: EXEC will abort. */
    synchronized void refuse() {
        if (open) {
            refused = true;
        }
    }

    synchronized boolean refused() {
        return refused;
    }

    /** The queued commands; ends the transaction and unwatches every key. */
    synchronized List<byte[][]> take() {
        List<byte[][]> out = new ArrayList<>(queued);
        discard();
        return out;
    }

    /** DISCARD, RESET, EXEC or a closed connection: back to no transaction and no watched key. */
    public synchronized void discard() {
        open = false;
        refused = false;
        queued.clear();
        unwatch();
    }

    /** True if (db, key) is watched already. */
    synchronized boolean watches(int db, byte[] key) {
        for (Watched w : watched) {
            if (w.db == db && Arrays.equals(w.key, key)) {
                return true;
            }
        }
        return false;
    }

    /** Watches (db, key), which held {@code e} (null: nothing) just now. */
    synchronized void watch(WatchedKeys keys, int db, byte[] key, Entry e) {
        if (watches(db, key)) {
            return;
        }
        registry = keys;
        watched.add(new Watched(db, key, token(e), e == null ? Entry.NO_EXPIRY : e.expireAt()));
        keys.add(db, key, this);
    }

    synchronized void unwatch() {
        if (registry != null) {
            for (Watched w : watched) {
                registry.remove(w.db, w.key, this);
            }
        }
        watched.clear();
        touched = false;
    }

    /** Marks a watched key as changed by a write command. */
    void touched() {
        touched = true;
    }

    boolean hasTouches() {
        return touched;
    }

    /**
     * True if EXEC must fail: a watched key was touched, or now holds something else, or has expired
     * since WATCH. Reads the keys without holding this object's lock (a ring read may wait).
     */
    boolean watchedChanged(Keyspace ks, long now) {
        List<Watched> keys;
        synchronized (this) {
            if (touched) {
                return true;
            }
            keys = List.copyOf(watched);
        }
        for (Watched w : keys) {
            if (w.expireAt != Entry.NO_EXPIRY && w.expireAt <= now) {
                return true;
            }
            if (token(ks.get(w.db, w.key)) != w.token) {
                return true;
            }
        }
        return touched;
    }

    /** What is stored under a key, reduced to a number that any write changes: 0 for nothing. */
    private static long token(Entry e) {
        if (e == null) {
            return 0;
        }
        long h = e.type().ordinal() + 1;
        h = h * 31 + e.expireAt();
        h = h * 31 + e.writtenAt();
        h = h * 31 + Arrays.hashCode(e.value());
        return h == 0 ? 1 : h;
    }
}
