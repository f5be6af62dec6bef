package kvstore.storage;

import kvstore.version.SiblingSet;

import java.io.Closeable;

/** A forward walk over an engine range. Not thread-safe; close it when done. */
public interface EngineCursor extends Closeable {

    /** Moves to the next entry; false when the range is exhausted. */
    boolean next();

    byte[] key();

    SiblingSet value();

    @Override
    void close();
}
