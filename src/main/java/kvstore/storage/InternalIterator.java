package kvstore.storage;

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

    void next();

    static boolean isTombstone(byte[] value) {
        return value == TOMBSTONE || value.length == 0;
    }
}
