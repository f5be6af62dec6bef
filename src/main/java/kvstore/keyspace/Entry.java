package kvstore.keyspace;

/**
 * The value of a key as a Redis command sees it: the winning version's type, bytes and absolute
 * expiry time in ms (0 = no expiry), and when it was written.
 */
public record Entry(ValueType type, byte[] value, long expireAt, long writtenAt) {
    public static final long NO_EXPIRY = 0;

    public static Entry string(byte[] value, long expireAt) {
        return new Entry(ValueType.STRING, value, expireAt, 0);
    }

    public boolean hasExpiry() {
        return expireAt != NO_EXPIRY;
    }

    public Entry withExpiry(long newExpireAt) {
        return new Entry(type, value, newExpireAt, writtenAt);
    }

    public Entry withValue(byte[] newValue) {
        return new Entry(type, newValue, expireAt, writtenAt);
    }
}
