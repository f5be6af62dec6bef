package kvstore.version;

/**
 * One value of a key as written by one write: its dot, the wall-clock time of the write (used only
 * to pick the plain-read winner), an absolute expiry time in ms (0 = none), a type id, and the
 * value bytes, or {@code null} for a tombstone.
 */
public final class Version {
    public static final long NO_EXPIRY = 0;

    private final long actor;
    private final long counter;
    private final long timestamp;
    private final long expireAt;
    private final byte type;
    private final byte[] value;

    public Version(Dot dot, long timestamp, long expireAt, byte type, byte[] value) {
        this(dot.actor(), dot.counter(), timestamp, expireAt, type, value);
    }

    /** The dot is kept as two fields rather than a {@link Dot} object: one object less per stored key. */
    public Version(long actor, long counter, long timestamp, long expireAt, byte type, byte[] value) {
        this.actor = actor;
        this.counter = counter;
        this.timestamp = timestamp;
        this.expireAt = expireAt;
        this.type = type;
        this.value = value;
    }

    public Dot dot() {
        return new Dot(actor, counter);
    }

    public long actor() {
        return actor;
    }

    public long counter() {
        return counter;
    }

    public boolean hasDot(long dotActor, long dotCounter) {
        return actor == dotActor && counter == dotCounter;
    }

    public long timestamp() {
        return timestamp;
    }

    public long expireAt() {
        return expireAt;
    }

    public byte type() {
        return type;
    }

    /** The value bytes; null for a tombstone. Callers must not modify the array. */
    public byte[] value() {
        return value;
    }

    public boolean isTombstone() {
        return value == null;
    }

    public boolean isExpiredAt(long nowMs) {
        return expireAt != NO_EXPIRY && expireAt <= nowMs;
    }

    /** True if this version wins a plain read over {@code other}: later timestamp, then higher actor. */
    public boolean winsOver(Version other) {
        if (timestamp != other.timestamp) {
            return timestamp > other.timestamp;
        }
        if (actor != other.actor) {
            return actor > other.actor;
        }
        return counter > other.counter;
    }
}
