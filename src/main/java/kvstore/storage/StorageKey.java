package kvstore.storage;

/**
 * The byte layout of a key in the engine. Entries sort by unsigned bytes, so the layout puts the
 * ring position first:
 *
 * <pre>
 *   offset  size  field
 *   0       2     hash slot, big-endian (0..16383)
 *   2       1     database index (0..255)
 *   3       4     length of the user key, big-endian
 *   7       n     user key bytes
 *   7+n     ...   (collections, later) element suffix; the bare key is the metadata entry
 * </pre>
 *
 * A slot is therefore one contiguous range ({@link #slotStart}), and a key's elements follow it.
 */
public final class StorageKey {
    public static final int HEADER = 7;

    private StorageKey() {
    }

    public static byte[] encode(int slot, int db, byte[] key) {
        byte[] k = new byte[HEADER + key.length];
        k[0] = (byte) (slot >>> 8);
        k[1] = (byte) slot;
        k[2] = (byte) db;
        int n = key.length;
        k[3] = (byte) (n >>> 24);
        k[4] = (byte) (n >>> 16);
        k[5] = (byte) (n >>> 8);
        k[6] = (byte) n;
        System.arraycopy(key, 0, k, HEADER, n);
        return k;
    }

    /** The first possible key of {@code slot}; slot 16384 is the end of the keyspace. */
    public static byte[] slotStart(int slot) {
        return new byte[] {(byte) (slot >>> 8), (byte) slot};
    }

    public static int slot(byte[] storageKey) {
        return ((storageKey[0] & 0xff) << 8) | (storageKey[1] & 0xff);
    }

    public static int db(byte[] storageKey) {
        return storageKey[2] & 0xff;
    }

    public static int userKeyLength(byte[] storageKey) {
        return ((storageKey[3] & 0xff) << 24) | ((storageKey[4] & 0xff) << 16)
                | ((storageKey[5] & 0xff) << 8) | (storageKey[6] & 0xff);
    }

    /** True if this is a key's own (metadata) entry rather than one of its elements. */
    public static boolean isKeyEntry(byte[] storageKey) {
        return storageKey.length == HEADER + userKeyLength(storageKey);
    }

    public static byte[] userKey(byte[] storageKey) {
        int n = userKeyLength(storageKey);
        byte[] k = new byte[n];
        System.arraycopy(storageKey, HEADER, k, 0, n);
        return k;
    }
}
