package kvstore.keyspace;

/**
 * What a collection's own key entry holds besides its type and expiry: how many elements it has, the
 * one-way encoding flags OBJECT ENCODING reports, and for a list the position of its first element.
 *
 * <p>Persisted as the value of the key entry, 18 bytes:
 * <pre>
 *   offset  size  field
 *   0       1     format id, 0x01 (a new layout gets a new id)
 *   1       8     element count, big-endian
 *   9       1     flags: bit 0 = the type has left its compact encoding (Redis never converts back);
 *                 bit 7 = {@link #FLAG_CONFLICT}, never stored; other bits are the type's own
 *   10      8     head: lists, the position of the first element; 0 for other types
 * </pre>
 */
public record CollectionMeta(long count, int flags, long head) {
    public static final byte FORMAT_V1 = 0x01;
    public static final int SIZE = 18;
    /** The collection has left its compact encoding (listpack, intset). */
    public static final int FLAG_BIG = 1;

    /**
     * Set on the metadata a ring read returns when replicas changed the collection concurrently: the
     * key entry has several live siblings (or a live one next to a delete), so its count and head are
     * only one side's. The command layer recounts from the elements and writes the result back.
     */
    public static final int FLAG_CONFLICT = 0x80;

    public static final CollectionMeta EMPTY = new CollectionMeta(0, 0, 0);

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        b[0] = FORMAT_V1;
        putLong(b, 1, count);
        b[9] = (byte) flags;
        putLong(b, 10, head);
        return b;
    }

    public static CollectionMeta decode(byte[] b) {
        if (b == null || b.length != SIZE || b[0] != FORMAT_V1) {
            throw new IllegalArgumentException("not a collection's metadata");
        }
        return new CollectionMeta(getLong(b, 1), b[9] & 0xff, getLong(b, 10));
    }

    public CollectionMeta withCount(long n) {
        return new CollectionMeta(n, flags, head);
    }

    public CollectionMeta withFlags(int f) {
        return new CollectionMeta(count, f, head);
    }

    public CollectionMeta withHead(long h) {
        return new CollectionMeta(count, flags, h);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
