package kvstore.version;

/**
 * One value of a key as written by one write: its dot, the wall-clock time of the write (used only
 * to pick the plain-read winner), an absolute expiry time in ms (0 = none), a type id, and the
 * value bytes, or {@code null} for a tombstone.
 */
public final class Version {
    public static final long NO_EXPIRY = 0;

    private final Dot dot;
    private final long timestamp;
    private final long expireAt;
    private final byte type;
    private final byte[] value;

    public Version(Dot dot, long timestamp, long expireAt, byte type, byte[] value) {
        this.dot = dot;
        this.timestamp = timestamp;
        this.expireAt = expireAt;
        this.type = type;
        this.value = value;
    }

    public Dot dot() {
        return dot;
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
        if (dot.actor() != other.dot.actor()) {
            return dot.actor() > other.dot.actor();
        }
        return dot.counter() > other.dot.counter();
    }
}
