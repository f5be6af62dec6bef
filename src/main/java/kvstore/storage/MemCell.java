package kvstore.storage;

import kvstore.version.SiblingSetCodec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>One writer at a time (the engine's write lock) changes the value. A value of another length gets a
 * new entry, which readers see whole or not at all. A value of the same length, the common overwrite
 * (a counter, a fixed-size record, the next version of an element), is copied over the old bytes in
 * place under a sequence lock, so that a key's entry stays where it is in memory: replacing it would
 * leave the live entries of a busy memtable strewn over the young generation among the garbage of
 * every request, and GETs right after a burst of SETs were 10-15% slower for the cache and TLB
 * misses. Readers of the value therefore take {@link #readBegin()} before and check
 * {@link #readValid(int)} after, retrying if the bytes changed under them. The key's bytes never
 * change in place.
 */
final class MemCell {
    private static final VarHandle SEQ;

    static {
        try {
            SEQ = MethodHandles.lookup().findVarHandle(MemCell.class, "seq", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The key's {@link BloomFilter#hash}. */
    final long hash;
    final int keyLength;
    private volatile byte[] entry;
    /** Sequence lock over the value bytes of {@code entry}: odd while the writer overwrites them. */
    private int seq;

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

    /**
     * The key's bytes followed by the value's, or null once removed; callers must not modify it, and
     * must read the value bytes between {@link #readBegin()} and {@link #readValid(int)}.
     */
    byte[] entry() {
        return entry;
    }

    /** Starts a read of the value bytes: the stamp to pass to {@link #readValid(int)}. */
    int readBegin() {
        int s;
        while (((s = (int) SEQ.getAcquire(this)) & 1) != 0) {
            Thread.onSpinWait();
        }
        return s;
    }

    /** True if the value bytes did not change since {@link #readBegin()} returned {@code stamp}. */
    boolean readValid(int stamp) {
        VarHandle.loadLoadFence();
        return (int) SEQ.getOpaque(this) == stamp;
    }

    /** A copy of the encoded value ({@link InternalIterator#TOMBSTONE} for a tombstone), or null once removed. */
    byte[] value() {
        byte[] e = entry;
        return e == null ? null : valueOf(e);
    }

    /**
     * A copy of the encoded value held in {@code e}, an {@link #entry()} taken earlier: the current
     * value if {@code e} is still the cell's entry, else the value {@code e} held when it was replaced
     * (a replaced entry is never written again). Whether it is a tombstone is fixed by {@code e}'s
     * length, since only a value of the same length is written in place.
     */
    byte[] valueOf(byte[] e) {
        if (e.length == keyLength) {
            return InternalIterator.TOMBSTONE;
        }
        for (;;) {
            int stamp = readBegin();
            byte[] v = Arrays.copyOfRange(e, keyLength, e.length);
            if (readValid(stamp)) {
                return v;
            }
        }
    }

    /**
     * The winning version's value bytes of the sibling set held in {@code e} (as {@link #valueOf}), or
     * null if it is a tombstone at either level: decoded from the entry in place, so that a walk that
     * needs only the winner (LRANGE, HGETALL) does not copy the whole set out first.
     */
    byte[] winnerValueOf(byte[] e) {
        if (e.length == keyLength) {
            return null;
        }
        for (;;) {
            int stamp = readBegin();
            byte[] v;
            try {
                v = SiblingSetCodec.winnerValue(e, keyLength, e.length - keyLength);
            } catch (IllegalArgumentException torn) {
                if (readValid(stamp)) {
                    throw torn;
                }
                continue;
            }
            if (readValid(stamp)) {
                return v;
            }
        }
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
        byte[] e = entry;
        int prev = e == null ? 0 : e.length - keyLength;
        if (e != null && value != null && value.length == prev) {
            int s = seq;
            SEQ.setOpaque(this, s + 1);
            VarHandle.storeStoreFence();
            System.arraycopy(value, 0, e, keyLength, prev);
            SEQ.setRelease(this, s + 2);
        } else {
            entry = value == null ? null : entry(key, value);
        }
        return prev;
    }
}
