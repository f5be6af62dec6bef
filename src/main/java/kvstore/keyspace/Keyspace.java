package kvstore.keyspace;

import java.util.List;
import java.util.function.Consumer;

/**
 * The keyspace as Redis commands see it: databases of keys with one value each. Behind it sits the
 * coordinator, which turns these calls into versioned reads and writes on replicas; nothing here
 * mentions versions or replicas.
 *
 * <p>Single calls are atomic. A command that must read and then write (INCR, RENAME, MSETNX) holds
 * the {@link #locks() locks} of its keys for the duration, which serialises it against every other
 * writer of those keys.
 */
public interface Keyspace {

    /** The live value of {@code key}, or null if it is absent or expired. */
    Entry get(int db, byte[] key);

    /**
     * As {@link #get}, for a command that can reply later: inside a command begun at a pace other
     * than {@link Pace#WAIT} a ring completes it when R replicas answered, without the caller waiting;
     * everywhere else it is {@link #get}, already complete.
     */
    default java.util.concurrent.CompletableFuture<Entry> getLater(int db, byte[] key) {
        return java.util.concurrent.CompletableFuture.completedFuture(get(db, key));
    }

    /** Writes {@code entry} as the value of {@code key}, replacing what was there. */
    void put(int db, byte[] key, Entry entry);

    /** Deletes {@code key}; true if a live value was there. */
    boolean delete(int db, byte[] key);

    /** Live keys in {@code db}, counted as maintained on every write (expired, unreclaimed keys count). */
    long size(int db);

    /** Keys in {@code db} that have an expiry. */
    long expiresCount(int db);

    /** Mean remaining time to live in ms of the keys with an expiry in {@code db}, 0 if none. */
    long averageTtl(int db);

    /**
     * One step of a keyspace walk. The cursor is a position in storage order; 0 starts a walk, and a
     * returned cursor of 0 ends it. Every key that exists for the whole walk is returned at least once.
     */
    ScanPage scan(int db, long cursor, int count);

    /** Calls {@code action} with every live key of {@code db}. */
    void forEachKey(int db, Consumer<byte[]> action);

    /** A random live key of {@code db}, or null if it is empty. */
    byte[] randomKey(int db);

    /** Removes every key of {@code db}. */
    void flush(int db);

    /** Makes every acknowledged write durable (SAVE, SHUTDOWN). */
    void sync();

    KeyLocks locks();

    /** Turns background reclaiming of expired keys on or off (DEBUG SET-ACTIVE-EXPIRE). */
    void setActiveExpire(boolean enabled);

    /**
     * SWAPDB: database index {@code a} names from now on what {@code b} held, and {@code b} what
     * {@code a} held. A single node does it through its {@link DatabaseMap} ({@link MappedDatabases});
     * a ring cannot (every node would have to swap at one instant), and SWAPDB refuses to run there.
     */
    default void swapDatabases(int a, int b) {
        throw new UnsupportedOperationException("this keyspace does not map its databases");
    }

    /**
     * Called after a batch of commands and before their replies are sent: hands buffered writes to the
     * OS (group commit, as Redis writes its AOF buffer before replying).
     */
    default void endOfBatch() {
    }

    /** What the local storage engine reports for INFO persistence ("kvstore_..." fields, in order). */
    default java.util.Map<String, String> storageInfo() {
        return java.util.Map.of();
    }

    /** Keys removed because they expired, since start (INFO stats expired_keys). */
    default long expiredKeys() {
        return 0;
    }

    /** This node's actor id in version vectors (INFO kvstore). */
    default long actorId() {
        return 0;
    }

    /**
     * Every version of {@code key} with the causal context that covers them (SIBLINGS), read at the
     * command's read quorum; null if no replica holds the key at all.
     */
    Siblings siblings(int db, byte[] key);

    /**
     * Writes {@code entry} ({@code null}: a delete) superseding exactly the versions {@code context}
     * (as returned by {@link #siblings}) covers; concurrent versions it does not cover stay siblings.
     * Throws IllegalArgumentException if {@code context} is not a context.
     */
    void putWithContext(int db, byte[] key, Entry entry, byte[] context);

    /**
     * Writes {@code after}, the result of adding {@code delta} to the number {@code before} that the
     * command read from {@code key} (INCR and friends). One node stores {@code after}; a ring records
     * the delta in a per-replica counter so that increments on both sides of a partition add up.
     */
    default void increment(int db, byte[] key, Entry after, java.math.BigDecimal before, java.math.BigDecimal delta,
                           CounterKind kind) {
        put(db, key, after);
    }

    /** As {@link #increment} for an element of a collection (HINCRBY, ZINCRBY). */
    default void incrementElement(int db, byte[] key, byte[] element, byte[] after, java.math.BigDecimal before,
                                  java.math.BigDecimal delta, CounterKind kind) {
        putElement(db, key, element, after);
    }

    /**
     * Called by the dispatcher before each command with the connection's quorums (0: the defaults).
     * A ring uses the scope it opens to carry a read's causal context to the command's later write of
     * the same key (read-modify-write commands); one node has nothing to carry.
     */
    default void beginCommand(int readQuorum, int writeQuorum) {
        beginCommand(readQuorum, writeQuorum, Pace.WAIT);
    }

    /**
     * As {@link #beginCommand(int, int)}, at the given {@link Pace}. Unless it is {@link Pace#WAIT},
     * the command's writes need not wait for their acknowledgements (a ring's W replicas) before it
     * goes on: {@link #endCommand} then returns what its reply must wait for, and the caller sends no
     * reply before that completes.
     */
    default void beginCommand(int readQuorum, int writeQuorum, Pace pace) {
    }

    /**
     * Called by the dispatcher after each command, on the thread that ran it. Returns null, or (after
     * a pace other than {@link Pace#WAIT}) a future that completes once its writes are acknowledged,
     * or fails with the {@link ReplyException} its reply must be instead.
     */
    default java.util.concurrent.CompletableFuture<Void> endCommand() {
        return null;
    }

    // ---- elements of collections (hashes, sets, sorted sets, lists) ----
    //
    // A collection is its key's own entry (type, expiry, the metadata its commands keep) followed by
    // one entry per element, addressed by element bytes the type chooses and stored in element byte
    // order (unsigned). Whoever changes elements holds the key's lock and keeps the key's entry in step;
    // deleting the key, or replacing it with a value of another type, removes its elements.

    /** The value of {@code element} of the collection at {@code key}, or null. */
    byte[] element(int db, byte[] key, byte[] element);

    /** Stores {@code value} as {@code element} of the collection at {@code key}. */
    void putElement(int db, byte[] key, byte[] element, byte[] value);

    /**
     * As {@link #putElement} for an element that holds no value: the caller has just read it as absent,
     * or made it new (a position never used, a score index entry). One node then writes its first
     * version without reading it again.
     */
    default void addElement(int db, byte[] key, byte[] element, byte[] value) {
        putElement(db, key, element, value);
    }

    /**
     * Stores {@code value} as a new list element at position {@code element} (a push). On a ring, values
     * pushed at one position concurrently are all elements ({@link #elementValues}); values written
     * there by {@link #putElement} (LSET) are one element whose latest value wins.
     */
    default void insertElement(int db, byte[] key, byte[] element, byte[] value) {
        putElement(db, key, element, value);
    }

    /**
     * A reading that changes whenever the key or one of its elements changes on this node (see
     * {@link KeyLocks#changes}), so that what was read from it may be kept and reused while the
     * reading stays the same; -1 where the stored data alone does not decide (a ring, whose reads
     * merge replicas).
     */
    default long changes(int db, byte[] key) {
        return -1;
    }

    /**
     * A reading that changes whenever a command writes the key or one of its elements through this
     * node (on a ring, unlike {@link #changes}, whatever other nodes write); two equal readings around a
     * command mean it changed nothing there. What WATCH needs to tell a write from a no-op.
     */
    default long writesThrough(int db, byte[] key) {
        return locks().changes(key);
    }

    /** Removes {@code element} of the collection at {@code key}; true if it was there. */
    boolean removeElement(int db, byte[] key, byte[] element);

    /**
     * As {@link #removeElement} for an element the caller has just read or walked as present (a pop):
     * one node then removes it without reading it again.
     */
    default void removeFoundElement(int db, byte[] key, byte[] element) {
        removeElement(db, key, element);
    }

    /**
     * Calls {@code visitor} with the elements {@code from <= element < to} of the collection at
     * {@code key}, in element order, until it returns false; null bounds are open.
     */
    void elements(int db, byte[] key, byte[] from, byte[] to, ElementVisitor visitor);

    /**
     * Like {@link #elements}, for a walk that needs the values alone (LRANGE): where the element bytes
     * are part of an engine key, they need not be copied out for it.
     */
    default void values(int db, byte[] key, byte[] from, byte[] to, ValueVisitor visitor) {
        elements(db, key, from, to, (element, value) -> visitor.visit(value));
    }

    /**
     * True on a ring: re-adding an element that is already there (SADD of a member, HSET of the same
     * value) must still write a new version, so that it wins over a remove made concurrently on
     * another replica (add-wins); one node skips such writes.
     */
    default boolean replicated() {
        return false;
    }

    /**
     * Called before elements are added under a key that holds no collection: removes any elements an
     * ended collection left there. One node removes a collection's elements when it ends and has
     * nothing to do; a ring may not have seen the end (an expiry, a plain SET over it).
     */
    default void clearLeftovers(int db, byte[] key) {
    }

    /**
     * Like {@link #elements} over the whole collection, but with every live value of each element: on
     * a ring, values {@link #insertElement inserted} at one element concurrently on different replicas
     * are all kept, and this returns them oldest first (by timestamp, then actor), the same order on
     * every node (concurrent {@link #putElement} writes count as one: the latest). One node has one
     * value per element. A later write or removal of a walked element in the same command
     * supersedes every value returned for it.
     */
    default void elementValues(int db, byte[] key, ElementValuesVisitor visitor) {
        elements(db, key, null, null, (element, value) -> visitor.visit(element, List.of(value)));
    }

    /** Receives elements from {@link #elements}. */
    @FunctionalInterface
    interface ElementVisitor {
        /** Returns false to stop the walk. The arrays belong to the callee. */
        boolean visit(byte[] element, byte[] value);
    }

    /** Receives element values from {@link #values}. */
    @FunctionalInterface
    interface ValueVisitor {
        /** Returns false to stop the walk. The array belongs to the callee. */
        boolean visit(byte[] value);
    }

    /** Receives elements from {@link #elementValues}. */
    @FunctionalInterface
    interface ElementValuesVisitor {
        /** Returns false to stop the walk. */
        boolean visit(byte[] element, List<byte[]> values);
    }

    /** The keys returned by one scan step and the cursor to continue from. */
    record ScanPage(long cursor, List<byte[]> keys) {
    }
}
