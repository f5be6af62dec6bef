package kvstore.storage;

import kvstore.version.SiblingSet;
import kvstore.version.Version;

import java.io.Closeable;

/**
 * One node's store of sibling sets, ordered by key bytes (unsigned). Keys are laid out by
 * {@link StorageKey} so that a hash slot, and within it a database and a key with its elements, is one
 * contiguous range. The engine knows nothing of the network, of Redis commands or of causality rules:
 * callers hand it the sibling set to keep; it keeps it, and finds it again, in order.
 *
 * <p>Implementations are thread-safe. Writes of one key are serialised by the caller.
 */
public interface Engine extends Closeable {

    /** The sibling set stored under {@code key}, or null. */
    SiblingSet get(byte[] key);

    /** The winning version ({@link SiblingSet#winner}) of the set stored under {@code key}, or null. */
    default Version getWinner(byte[] key) {
        SiblingSet s = get(key);
        return s == null ? null : s.winner();
    }

    /** Stores {@code value} under {@code key}, replacing what was there. */
    void put(byte[] key, SiblingSet value);

    /** Forgets {@code key} entirely (no tombstone is kept: callers decide when that is safe). */
    void remove(byte[] key);

    /** Entries with {@code from <= key < to} in key order; {@code to == null} means to the end. */
    EngineCursor range(byte[] from, byte[] to);

    /**
     * Hands writes buffered inside the engine to the OS, so that a crash of the process cannot lose
     * them; called once per batch of requests before their replies are sent. Default: nothing is buffered.
     */
    default void flushWrites() {
    }

    /** Makes everything written so far durable (SAVE, SHUTDOWN). */
    void sync();

    /** Fields for INFO persistence ("kvstore_..." names), in display order. */
    default java.util.Map<String, String> info() {
        return java.util.Map.of("kvstore_engine", "memory");
    }

    /** Number of keys held, exact or estimated; cheap to call. */
    long approximateSize();

    @Override
    void close();
}
