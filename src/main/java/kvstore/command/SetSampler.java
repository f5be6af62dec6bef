package kvstore.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random elements of one set (SPOP, SRANDMEMBER) without loading the set into memory.
 *
 * <p>Two ways, chosen by size:
 * <ul>
 *   <li>Up to {@link #SMALL} elements: exactly uniform. A single pick walks to a random position
 *       (at most {@code SMALL} element reads); the count forms load the elements into a list of at
 *       most {@code SMALL} entries.</li>
 *   <li>Larger sets: a random descent through element bytes, then a short walk. From the empty
 *       prefix, the sampler finds the smallest and largest next byte that elements under the current
 *       prefix use (one seek, then a binary search of about eight seeks; a position all elements share
 *       costs two seeks), draws a byte uniformly between them and moves to the first element at or
 *       after prefix + byte, taking its byte as the next prefix byte. After {@value #BRANCH_LEVELS}
 *       positions with a real choice it seeks to the prefix and steps 0 to {@value #STEP} - 1 elements
 *       further (wrapping around), which reaches elements packed below the descent. A pick costs a few
 *       dozen element reads whatever the set's size. The choice is random but not exactly uniform: a
 *       byte branch holding few elements is as likely as one holding many, so members of sparse
 *       branches come up more often. (Redis's own dictGetFairRandomKey is approximate as well.)</li>
 * </ul>
 * Elements removed between picks (SPOP) are simply not found again.
 */
final class SetSampler {
    /** Sets up to this size are sampled exactly (and their elements may be held in a list). */
    static final int SMALL = 1024;
    /** Byte positions with a real choice that a pick descends through before it walks. */
    private static final int BRANCH_LEVELS = 4;
    private static final int MAX_PREFIX = 256;
    /** A pick ends with a walk of 0 to STEP-1 elements. */
    private static final int STEP = 16;

    private final CollectionKey set;
    private final SplittableRandom rnd = new SplittableRandom();

    SetSampler(CollectionKey set) {
        this.set = set;
    }

    boolean small() {
        return set.count() <= SMALL;
    }

    long random(long bound) {
        return rnd.nextLong(bound);
    }

    /** One random element of the (non-empty) set as it is now. */
    byte[] pick() {
        if (small()) {
            return stepFrom(null, rnd.nextLong(set.count()));
        }
        byte[] p = new byte[0];
        int branches = 0;
        while (branches < BRANCH_LEVELS && p.length < MAX_PREFIX) {
            byte[] lo = firstAtOrAfter(append(p, 0));
            if (lo == null || !startsWith(lo, p)) {
                break; // p is an element with nothing below it
            }
            int min = lo[p.length] & 0xff;
            int max = maxChildByte(p, min);
            byte[] e = lo;
            if (max > min) {
                branches++;
                int b = min + rnd.nextInt(max - min + 1);
                e = b == min ? lo : firstAtOrAfter(append(p, b));
            }
            p = Arrays.copyOf(e, p.length + 1);
        }
        return stepFrom(p, rnd.nextInt(STEP));
    }

    /** The element {@code steps} places after the first one at or after {@code from}, wrapping around. */
    private byte[] stepFrom(byte[] from, long steps) {
        byte[][] found = new byte[1][];
        long[] left = {steps};
        set.forEach(from, null, (e, v) -> {
            found[0] = e;
            return left[0]-- > 0;
        });
        if (found[0] == null || left[0] >= 0) {
            set.forEach(null, null, (e, v) -> {
                found[0] = e;
                return left[0]-- > 0;
            });
        }
        return found[0];
    }

    /** The largest byte b >= min such that an element starts with p + b (one does for min). */
    private int maxChildByte(byte[] p, int min) {
        if (min == 255 || !hasChildAtOrAfter(p, min + 1)) {
            return min;
        }
        int lo = min + 1;
        int hi = 255;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (hasChildAtOrAfter(p, mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private boolean hasChildAtOrAfter(byte[] p, int b) {
        byte[] e = firstAtOrAfter(append(p, b));
        return e != null && startsWith(e, p);
    }

    /** Every element, for sets of at most {@link #SMALL} elements (or when the reply holds them all anyway). */
    List<byte[]> all() {
        List<byte[]> out = new ArrayList<>((int) Math.min(set.count(), 1 << 16));
        set.forEach(null, null, (e, v) -> {
            out.add(e);
            return true;
        });
        return out;
    }

    private byte[] firstAtOrAfter(byte[] from) {
        byte[][] found = new byte[1][];
        set.forEach(from, null, (e, v) -> {
            found[0] = e;
            return false;
        });
        return found[0];
    }

    private static boolean startsWith(byte[] e, byte[] p) {
        return e.length > p.length && Arrays.equals(e, 0, p.length, p, 0, p.length);
    }

    private static byte[] append(byte[] p, int b) {
        byte[] out = Arrays.copyOf(p, p.length + 1);
        out[p.length] = (byte) b;
        return out;
    }
}
