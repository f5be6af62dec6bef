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
     * Called by the dispatcher before each command with the connection's quorums (0: the defaults).
     * A ring uses the scope it opens to carry a read's causal context to the command's later write of
     * the same key (read-modify-write commands); one node has nothing to carry.
     */
    default void beginCommand(int readQuorum, int writeQuorum) {
    }

    /** Called by the dispatcher after each command, on the thread that ran it. */
    default void endCommand() {
    }

    // ---- elements of collections (hashes, sets, sorted sets, lists) ----
    //
    // A collection is its key's own entry (type, expiry, the metadata its commands keep) followed by
    // one entry per element, addressed by element bytes the type chooses and stored in element byte
    // order (unsigned). Whoever changes elements holds the key's lock and keeps the key's entry in step;
    // deleting the key, or replacing it with a value of another type, removes its elements.

    /** The value of {@code element} of the collection at {@code key}, or null. */
    default byte[] element(int db, byte[] key, byte[] element) {
        throw noCollections();
    }

    /** Stores {@code value} as {@code element} of the collection at {@code key}. */
    default void putElement(int db, byte[] key, byte[] element, byte[] value) {
        throw noCollections();
    }

    /** Removes {@code element} of the collection at {@code key}; true if it was there. */
    default boolean removeElement(int db, byte[] key, byte[] element) {
        throw noCollections();
    }

    /**
     * Calls {@code visitor} with the elements {@code from <= element < to} of the collection at
     * {@code key}, in element order, until it returns false; null bounds are open.
     */
    default void elements(int db, byte[] key, byte[] from, byte[] to, ElementVisitor visitor) {
        throw noCollections();
    }

    private static ReplyException noCollections() {
        return new ReplyException("ERR hashes, sets, sorted sets and lists are not available in a ring yet");
    }

    /** Receives elements from {@link #elements}. */
    @FunctionalInterface
    interface ElementVisitor {
        /** Returns false to stop the walk. The arrays belong to the callee. */
        boolean visit(byte[] element, byte[] value);
    }

    /** The keys returned by one scan step and the cursor to continue from. */
    record ScanPage(long cursor, List<byte[]> keys) {
    }
}
