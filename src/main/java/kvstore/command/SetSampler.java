package kvstore.command;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random members of one set (SPOP, SRANDMEMBER) without loading the set into memory.
 *
 * <p>Two ways, chosen by size:
 * <ul>
 *   <li>Up to {@link #SMALL} members: exactly uniform. A single pick walks to a random position
 *       (at most {@code SMALL} element reads); the count forms load the members into a list of at
 *       most {@code SMALL} entries.</li>
 *   <li>Larger sets: seek to random bytes. Once per command the sampler reads the first member and
 *       finds the leading bytes of the last one by probing (a binary search per byte, about eight
 *       seeks a byte); both share a common prefix, and the 8 bytes after it span the set. A pick
 *       draws 8 random bytes between those two bounds, seeks to the first member at or after
 *       {@code prefix + bytes} (wrapping to the first member), then steps 0 to 7 members further so
 *       that members packed closer than the sampled resolution are reachable too. Each pick costs
 *       a few element reads whatever the set's size. The choice is random but not exactly uniform:
 *       a member after a wide gap in byte space is more likely than one in a dense run. Redis's own
 *       dictGetFairRandomKey is approximate as well.</li>
 * </ul>
 * Members removed between picks (SPOP) are simply not found again.
 */
final class SetSampler {
    /** Sets up to this size are sampled exactly (and their members may be held in a list). */
    static final int SMALL = 1024;
    private static final int STEP = 8;

    private final CollectionKey set;
    private final SplittableRandom rnd = new SplittableRandom();
    /** Seek mode: the shared prefix of the first and last member and the 8-byte span after it. */
    private byte[] prefix;
    private long low;
    private long high;

    SetSampler(CollectionKey set) {
        this.set = set;
    }

    boolean small() {
        return set.count() <= SMALL;
    }

    long random(long bound) {
        return rnd.nextLong(bound);
    }

    /** One random member of the (non-empty) set as it is now. */
    byte[] pick() {
        if (small()) {
            return at(rnd.nextLong(set.count()));
        }
        if (prefix == null) {
            bounds();
        }
        byte[] from = new byte[prefix.length + 8];
        System.arraycopy(prefix, 0, from, 0, prefix.length);
        putLong(from, prefix.length, low + randomUpTo(high - low));
        int steps = rnd.nextInt(STEP);
        byte[][] found = new byte[2][];
        int[] seen = {0};
        set.forEach(from, null, (e, v) -> {
            found[0] = e;
            return seen[0]++ < steps;
        });
        if (found[0] == null) {
            set.forEach(null, null, (e, v) -> {
                found[0] = e;
                return false;
            });
        }
        return found[0];
    }

    /** A uniform random number in [0, span], span read as unsigned. */
    private long randomUpTo(long span) {
        if (span >= 0 && span < Long.MAX_VALUE) {
            return rnd.nextLong(span + 1);
        }
        long x;
        do {
            x = rnd.nextLong();
        } while (Long.compareUnsigned(x, span) > 0);
        return x;
    }

    /** The member at position {@code index} in element order. */
    private byte[] at(long index) {
        byte[][] found = new byte[1][];
        long[] i = {0};
        set.forEach(null, null, (e, v) -> {
            found[0] = e;
            return i[0]++ < index;
        });
        return found[0];
    }

    /** Every member, for sets of at most {@link #SMALL} members (or when the reply holds them all anyway). */
    List<byte[]> all() {
        List<byte[]> out = new ArrayList<>((int) Math.min(set.count(), 1 << 16));
        set.forEach(null, null, (e, v) -> {
            out.add(e);
            return true;
        });
        return out;
    }

    /** Finds the first member and the leading bytes of the last one (see the class comment). */
    private void bounds() {
        byte[] first = firstAtOrAfter(null);
        byte[] last = new byte[0];
        int common = -1; // length of the prefix shared with the first member, once known
        for (int i = 0; ; i++) {
            if (common >= 0 && i >= common + 8) {
                break;
            }
            int v = maxByteAt(last);
            if (v < 0) {
                break; // the last member is exactly `last`
            }
            last = append(last, v);
            if (common < 0 && (i >= first.length || (first[i] & 0xff) != v)) {
                common = i;
            }
        }
        if (common < 0) {
            common = last.length; // first and last agree on every probed byte: one dense run
        }
        prefix = java.util.Arrays.copyOf(first, Math.min(common, first.length));
        low = getLong(first, common);
        high = getLong(last, common);
        if (Long.compareUnsigned(high, low) < 0) {
            high = low; // cannot happen for a consistent set; keeps randomUpTo's span sane
        }
    }

    /** The largest byte b such that some member is >= p + b, or -1 if none is. */
    private int maxByteAt(byte[] p) {
        if (firstAtOrAfter(append(p, 0)) == null) {
            return -1;
        }
        int lo = 0;
        int hi = 255;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstAtOrAfter(append(p, mid)) != null) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private byte[] firstAtOrAfter(byte[] from) {
        byte[][] found = new byte[1][];
        set.forEach(from, null, (e, v) -> {
            found[0] = e;
            return false;
        });
        return found[0];
    }

    private static byte[] append(byte[] p, int b) {
        byte[] out = java.util.Arrays.copyOf(p, p.length + 1);
        out[p.length] = (byte) b;
        return out;
    }

    /** Bytes {@code off .. off+8} of {@code b} as an unsigned number, zero-padded past its end. */
    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int at = off + i;
            v = (v << 8) | (at < b.length ? b[at] & 0xff : 0);
        }
        return v;
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
