package kvstore.storage;

import kvstore.version.SiblingSet;

import java.util.Arrays;

/**
 * The current value of one memtable key, shared by the memtable's two indexes.
 *
 * <p>The key and its encoded value are kept in one array, {@code entry} (the key's bytes, then the
 * value's; a value of length 0 is the engine tombstone; null once the key was removed outright), so
 * that a point read touches three objects in all: the index slot, this cell, and the entry. The
 * decoded sibling set is kept too when the writer had it at hand, so that the read-modify-write of the
 * next write of the key does not decode it again.
 *
 * <p>One writer at a time (the engine's write lock) changes a cell, in the order {@code decoded = null},
 * {@code entry}, {@code decoded}; a reader that takes {@link #decoded} when present and the entry
 * otherwise never sees an older value after a newer one.
 */
final class MemCell {
    /** The key's {@link BloomFilter#hash}. */
    final long hash;
    final int keyLength;
    private volatile byte[] entry;
    private volatile SiblingSet decoded;

    MemCell(long hash, byte[] key, byte[] value, SiblingSet decoded) {
        this.hash = hash;
        this.keyLength = key.length;
        this.entry = entry(key, value);
        this.decoded = decoded;
    }

    private static byte[] entry(byte[] key, byte[] value) {
        byte[] e = Arrays.copyOf(key, key.length + value.length);
        System.arraycopy(value, 0, e, key.length, value.length);
        return e;
    }

    /** True if this cell holds a value for {@code key} (whose hash is {@code hash}). */
    boolean holds(byte[] key, long hash) {
        if (hash != this.hash || key.length != keyLength) {
            return false;
        }
        byte[] e = entry;
        return e != null && Arrays.equals(e, 0, keyLength, key, 0, keyLength);
    }

    /** The key's bytes followed by the value's, or null once removed; callers must not modify it. */
    byte[] entry() {
        return entry;
    }

    /** A copy of the encoded value ({@link InternalIterator#TOMBSTONE} for a tombstone), or null once removed. */
    byte[] value() {
        byte[] e = entry;
        if (e == null) {
            return null;
        }
        return e.length == keyLength ? InternalIterator.TOMBSTONE : Arrays.copyOfRange(e, keyLength, e.length);
    }

    int valueLength() {
        byte[] e = entry;
        return e == null ? 0 : e.length - keyLength;
    }

    SiblingSet decoded() {
        return decoded;
    }

    boolean isRemoved() {
        return entry == null;
    }

    /**
     * Writer: replaces the value of {@code key} ({@code value == null} removes it); returns the length
     * of the previous value.
     */
    int set(byte[] key, byte[] value, SiblingSet newDecoded) {
        int prev = valueLength();
        if (decoded != null) {
            decoded = null;
        }
        entry = value == null ? null : entry(key, value);
        if (newDecoded != null) {
            decoded = newDecoded;
        }
        return prev;
    }
}
