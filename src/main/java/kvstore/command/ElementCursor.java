package kvstore.command;

import java.util.Arrays;

/**
 * SSCAN's cursor for collections past their compact encoding: a position in element byte order packed
 * into Redis's unsigned 64-bit cursor, so that a scan costs one seek per call, not a walk from the
 * start.
 *
 * <p>Layout of a cursor that resumes at element N, where F is the collection's first element when the
 * cursor is made and L the length of the prefix N shares with F (at most 255):
 * <pre>
 *   bits 63..56  L
 *   bits 55..40  a 16-bit hash of that prefix, N[0..L)
 *   bits 39..0   N[L..L+5), zero-padded
 * </pre>
 * Every element between F and N shares N[0..L), so the cursor names the prefix through the current
 * first element: the scan resumes at the first element &gt;= F'[0..L) + N[L..L+5) (trailing zero
 * bytes of the tail dropped). If the first element changed so that its prefix no longer hashes the
 * same (an element smaller than all was added, or a run of the smallest was removed), the scan
 * restarts from the first element: elements may be returned twice, which Redis allows, but never
 * skipped. Elements that share N[0..L+5) form one group that a page never splits: a page ends only
 * where the next element's resume point lies past everything the page returned.
 */
final class ElementCursor {
    private static final int TAIL = 5;

    private ElementCursor() {
    }

    /** The cursor that resumes at {@code next}, given the collection's first element. */
    static long encode(byte[] first, byte[] next) {
        int l = Math.min(commonPrefix(first, next), 255);
        long c = ((long) l << 56) | ((long) hash(next, l) << 40);
        for (int i = 0; i < TAIL; i++) {
            int at = l + i;
            c |= (long) (at < next.length ? next[at] & 0xff : 0) << (8 * (TAIL - 1 - i));
        }
        return c;
    }

    /** The smallest element bytes a page must start from for {@code next}'s cursor. */
    static byte[] resumePoint(byte[] first, byte[] next) {
        return decode(encode(first, next), first);
    }

    /**
     * Where a scan continues for {@code cursor}: the element bytes to start from, or null to start at
     * the beginning (the cursor's prefix no longer matches the first element).
     */
    static byte[] decode(long cursor, byte[] first) {
        int l = (int) (cursor >>> 56);
        int h = (int) (cursor >>> 40) & 0xffff;
        if (first == null || first.length < l || hash(first, l) != h) {
            return null;
        }
        byte[] tail = new byte[TAIL];
        int n = 0;
        for (int i = 0; i < TAIL; i++) {
            tail[i] = (byte) (cursor >>> (8 * (TAIL - 1 - i)));
            if (tail[i] != 0) {
                n = i + 1;
            }
        }
        byte[] from = Arrays.copyOf(first, l + n);
        System.arraycopy(tail, 0, from, l, n);
        return from;
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** FNV-1a over {@code b[0..len)}, folded to 16 bits, never 0 (so no cursor is 0). */
    private static int hash(byte[] b, int len) {
        int h = 0x811c9dc5;
        for (int i = 0; i < len; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x01000193;
        }
        int folded = (h ^ (h >>> 16)) & 0xffff;
        return folded == 0 ? 1 : folded;
    }
}
