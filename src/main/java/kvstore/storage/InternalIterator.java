package kvstore.storage;

import kvstore.version.SiblingSetCodec;

/**
 * A sorted walk over raw entries (encoded sibling sets, or {@link #TOMBSTONE}) of one memtable, table
 * or level, or a merge of them. Positioned on the first entry when created.
 */
interface InternalIterator {
    /** The engine-level tombstone; compared by identity. Encoded sibling sets are never empty. */
    byte[] TOMBSTONE = new byte[0];

    boolean valid();

    byte[] key();

    /** The encoded value, or {@link #TOMBSTONE}. */
    byte[] value();

    /** True if the current entry is a {@link #TOMBSTONE}. */
    default boolean tombstone() {
        return isTombstone(value());
    }

    /**
     * The winning version's value bytes of the current entry ({@link SiblingSetCodec#winnerValue}),
     * or null if the entry or its winner is a tombstone. A source that holds the encoded set in
     * memory decodes it in place rather than copying it out through {@link #value()}.
     */
    default byte[] winnerValue() {
        byte[] v = value();
        return isTombstone(v) ? null : SiblingSetCodec.winnerValue(v);
    }

    void next();

    static boolean isTombstone(byte[] value) {
        return value == TOMBSTONE || value.length == 0;
    }
}
