package kvstore.storage;

import java.util.Arrays;

/**
 * The current value of one memtable key, shared by the memtable's two indexes.
 *
 * <p>The key and its encoded value are kept in one array, {@code entry} (the key's bytes, then the
 * value's; a value of length 0 is the engine tombstone; null once the key was removed outright), so
 * that a point read touches three objects in all: the index slot, this cell, and the entry. Readers
 * decode what they need from the entry. (Keeping the writer's decoded sibling set here as well, to
 * save the next write of the key its decoding, measured slower: the decoded set is a chain of small
 * objects, each a likely cache miss, and the misses cost more than decoding the entry, which the key
 * comparison has just brought into the cache.)
 *
 * <p>One writer at a time (the engine's write lock) replaces the entry; readers see the old or the new.
 */
final class MemCell {
    /** The key's {@link BloomFilter#hash}. */
    final long hash;
    final int keyLength;
    private volatile byte[] entry;

    MemCell(long hash, byte[] key, byte[] value) {
        this.hash = hash;
        this.keyLength = key.length;
        this.entry = entry(key, value);
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

    boolean isRemoved() {
        return entry == null;
    }

    /**
     * Writer: replaces the value of {@code key} ({@code value == null} removes it); returns the length
     * of the previous value.
     */
    int set(byte[] key, byte[] value) {
        int prev = valueLength();
        entry = value == null ? null : entry(key, value);
        return prev;
    }
}
