package kvstore.storage;

import kvstore.version.SiblingSet;

import java.io.Closeable;

/** A forward walk over an engine range. Not thread-safe; close it when done. */
public interface EngineCursor extends Closeable {

    /** Moves to the next entry; false when the range is exhausted. */
    boolean next();

    byte[] key();

    SiblingSet value();

    /** The winning version's value bytes of the current entry, or null if it is a tombstone. */
    default byte[] winnerValue() {
        kvstore.version.Version v = value().winner();
        return v.isTombstone() ? null : v.value();
    }

    @Override
    void close();
}
