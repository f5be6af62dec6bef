package kvstore.command;

import java.util.ArrayList;
import java.util.List;

/**
 * The longest common subsequence of two byte strings, computed exactly as Redis 7.0's lcsCommand
 * does (the full dynamic-programming table, then a walk back from the end that prefers the second
 * string on ties), so the LCS string and the matched ranges come out identical.
 */
final class Lcs {
    /** One matched run: a[aStart..aEnd] equals b[bStart..bEnd] (inclusive). */
    record Range(int aStart, int aEnd, int bStart, int bEnd) {
        int length() {
            return aEnd - aStart + 1;
        }
    }

    private final int length;
    private final byte[] lcs;
    private final List<Range> ranges;

    private Lcs(int length, byte[] lcs, List<Range> ranges) {
        this.length = length;
        this.lcs = lcs;
        this.ranges = ranges;
    }

    /** Cells of the table for strings of these lengths; callers check it fits in memory first. */
    static long tableSize(int alen, int blen) {
        return (long) (alen + 1) * (blen + 1);
    }

    /** Computes the table; with {@code walk}, also the LCS string and the ranges, last match first. */
    static Lcs of(byte[] a, byte[] b, boolean walk) {
        int alen = a.length;
        int blen = b.length;
        int w = blen + 1;
        int[] dp = new int[(int) tableSize(alen, blen)];
        for (int i = 1; i <= alen; i++) {
            int row = i * w;
            int prev = row - w;
            byte ai = a[i - 1];
            for (int j = 1; j <= blen; j++) {
                if (ai == b[j - 1]) {
                    dp[row + j] = dp[prev + j - 1] + 1;
                } else {
                    int up = dp[prev + j];
                    int left = dp[row + j - 1];
                    dp[row + j] = Math.max(up, left);
                }
            }
        }
        int length = dp[alen * w + blen];
        if (!walk) {
            return new Lcs(length, null, List.of());
        }
        byte[] lcs = new byte[length];
        List<Range> ranges = new ArrayList<>();
        int idx = length;
        int aStart = -1;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        int i = alen;
        int j = blen;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                lcs[--idx] = a[i - 1];
                if (aStart < 0) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                i--;
                j--;
            } else {
                if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (aStart >= 0) {
                    emit = true;
                }
            }
            if (emit) {
                ranges.add(new Range(aStart, aEnd, bStart, bEnd));
                aStart = -1;
            }
        }
        return new Lcs(length, lcs, ranges);
    }

    int length() {
        return length;
    }

    byte[] lcs() {
        return lcs;
    }

    List<Range> ranges() {
        return ranges;
    }
}
