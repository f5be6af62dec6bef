package kvstore.storage;

import java.util.Arrays;

/**
 * A table's sparse index on the heap: the first key of every block, searched for the block that may
 * hold a key.
 *
 * <p>Why not a plain binary search over the keys: each of its steps loads another key array, and
 * over tables far bigger than the CPU caches most of those loads miss, which made the search the
 * largest single cost of a point read from tables (15% of the event loop's time in a profile of GETs
 * over 50 million keys). Here the keys are cut into runs of {@link #RUN} consecutive keys. Each key
 * also has a {@code long} head: the 8 bytes that follow the prefix its run's keys share (zero-padded,
 * see {@link KeyBytes#head}, so heads are in key order and equal heads fall back to the keys). A search
 * compares the 16 bytes after the prefix all keys share of each run's first key (two small arrays
 * that stay cached), and then the heads of one run: 512 bytes of one array. Storage keys start with
 * the slot and the key's own prefix (as {@code key:0000} in redis-benchmark's keys), so a head taken
 * at a fixed offset would tie across a whole run; taking it after the run's shared prefix is what
 * makes heads tell keys apart.
 */
final class BlockIndex {
    static final int RUN = 64;

    private final byte[][] keys;
    private final long[] heads;
    /** Per run: the length of the prefix all its keys share, where its keys' heads start. */
    private final int[] shared;
    /** The length of the prefix all keys share, and the 16 bytes after it of each run's first key. */
    private final int tableShared;
    private final long[] runHigh;
    private final long[] runLow;

    BlockIndex(byte[][] keys) {
        this.keys = keys;
        this.heads = new long[keys.length];
        int runs = (keys.length + RUN - 1) / RUN;
        this.shared = new int[runs];
        this.runHigh = new long[runs];
        this.runLow = new long[runs];
        this.tableShared = keys.length == 0 ? 0 : prefix(keys[0], keys[keys.length - 1]);
        for (int r = 0; r < runs; r++) {
            int first = r * RUN;
            runHigh[r] = head(keys[first], tableShared);
            runLow[r] = head(keys[first], tableShared + 8);
            int last = Math.min(keys.length, first + RUN) - 1;
            shared[r] = prefix(keys[first], keys[last]); // sorted: first and last share what all share
            for (int i = first; i <= last; i++) {
                heads[i] = head(keys[i], shared[r]);
            }
        }
    }

    /** The common prefix of {@code first} and {@code last}: sorted, every key between shares it. */
    private static int prefix(byte[] first, byte[] last) {
        return KeyBytes.commonPrefix(first, 0, first.length, last, 0, last.length);
    }

    /** {@link KeyBytes#head} of {@code key} from {@code offset}, zero-padded past its end. */
    private static long head(byte[] key, int offset) {
        return KeyBytes.head(key, offset, key.length);
    }

    /** The last block whose first key is {@code <= key}, or -1 if {@code key} is before them all. */
    int floor(byte[] key) {
        if (keys.length == 0) {
            return -1;
        }
        int t = tableShared;
        if (key.length < t || Arrays.mismatch(key, 0, t, keys[0], 0, t) >= 0) {
            return Arrays.compareUnsigned(key, keys[0]) < 0 ? -1 : keys.length - 1;
        }
        long high = head(key, t);
        long low = head(key, t + 8);
        int run = floorRun(key, high, low);
        if (run < 0) {
            return -1;
        }
        int first = run * RUN;
        int last = Math.min(keys.length, first + RUN) - 1;
        int p = shared[run];
        // key >= the run's first key: not sharing the run's prefix means it is past all of the run
        if (key.length < p || !sharesRunPrefix(key, run, p, high, low)) {
            return last;
        }
        long h = head(key, p);
        int lo = first + 1;
        int hi = last;
        int found = first;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compare(heads[mid], h);
            if (c == 0) {
                c = Arrays.compareUnsigned(keys[mid], key);
            }
            if (c <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * Whether {@code key} (at least {@code p} bytes long, sharing the table's prefix) has the first
     * {@code p} bytes of the run's first key. Those beyond the table's prefix are usually within the
     * run's 16 bytes already at hand, which spares a load of the key itself.
     */
    private boolean sharesRunPrefix(byte[] key, int run, int p, long high, long low) {
        int n = p - tableShared;
        if (n > 16) {
            return Arrays.mismatch(key, tableShared, p, keys[run * RUN], tableShared, p) < 0;
        }
        return ((high ^ runHigh[run]) & topBytes(Math.min(n, 8))) == 0
                && ((low ^ runLow[run]) & topBytes(Math.max(n - 8, 0))) == 0;
    }

    private static long topBytes(int n) {
        return n == 0 ? 0 : -1L << (64 - 8 * n);
    }

    /** The last run whose first key is {@code <= key} (whose 16 bytes after the table's prefix are given), or -1. */
    private int floorRun(byte[] key, long high, long low) {
        int lo = 0;
        int hi = runHigh.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compare(runHigh[mid], high);
            if (c == 0) {
                c = Long.compare(runLow[mid], low);
                if (c == 0) {
                    c = Arrays.compareUnsigned(keys[mid * RUN], key);
                }
            }
            if (c <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
