package kvstore.command;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The element bytes of a collection whose members have no order of their own (hash fields, and any
 * type that wants the same): a 4-byte big-endian CRC32C of the member, then the member.
 *
 * <pre>
 *   offset  size  field
 *   0       4     mix(CRC32C(member)), big-endian: spreads members evenly over the element range
 *   4       n     member bytes
 * </pre>
 *
 * Ordering elements by a hash of the member gives what Redis gets from its hash tables: a scan cursor
 * that is just a 32-bit hash position (stateless, valid across calls while the collection changes),
 * and a random member found by one seek to a random position instead of a walk. CRC32C is linear, so
 * similar members ("f1", "f2", ...) land in clumps; MurmurHash3's 32-bit finaliser (fmix32) scatters
 * them. Persisted: both functions must never change.
 */
final class HashedElement {
    static final int PREFIX = 4;

    private HashedElement() {
    }

    static byte[] of(byte[] member) {
        CRC32C crc = new CRC32C();
        crc.update(member, 0, member.length);
        int h = mix((int) crc.getValue());
        byte[] e = new byte[PREFIX + member.length];
        e[0] = (byte) (h >>> 24);
        e[1] = (byte) (h >>> 16);
        e[2] = (byte) (h >>> 8);
        e[3] = (byte) h;
        System.arraycopy(member, 0, e, PREFIX, member.length);
        return e;
    }

    /** MurmurHash3's fmix32. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    static byte[] member(byte[] element) {
        return Arrays.copyOfRange(element, PREFIX, element.length);
    }

    /** The element's position on the 32-bit hash circle, as an unsigned value. */
    static long position(byte[] element) {
        return ((element[0] & 0xffL) << 24) | ((element[1] & 0xff) << 16) | ((element[2] & 0xff) << 8)
                | (element[3] & 0xff);
    }

    /** The smallest element bytes at {@code position} (for seeking); {@code position < 2^32}. */
    static byte[] at(long position) {
        return new byte[] {(byte) (position >>> 24), (byte) (position >>> 16), (byte) (position >>> 8),
                (byte) position};
    }
}
