package kvstore.command;

/**
 * Parses a SCAN cursor the way Redis's parseScanCursorOrReply does, with C's strtoul: no leading
 * space, an optional sign, decimal digits; "" is 0, a '-' wraps modulo 2^64, and a value above 2^64-1
 * or trailing junk is invalid.
 */
final class ScanCursor {
    /** Returned for a cursor Redis rejects with "ERR invalid cursor". */
    static final long INVALID = -1;
    /** Returned for any valid cursor that is past every position kvstore uses (≥ {@code limit}). */
    static final long BEYOND = -2;

    private ScanCursor() {
    }

    /**
     * The cursor as a position below {@code limit}, {@link #BEYOND} for a valid cursor at or past
     * {@code limit} (such a walk is over), or {@link #INVALID}.
     */
    static long parse(byte[] s, long limit) {
        int i = 0;
        int n = s.length;
        if (n > 0 && isSpace(s[0])) {
            return INVALID;
        }
        boolean negative = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (i == n) {
            // strtoul parses nothing: the end pointer is the start, valid only for the empty string
            return n == 0 ? 0 : INVALID;
        }
        long v = 0;
        boolean overflow = false;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0
                    || Long.compareUnsigned(v * 10, -1L - d) > 0) {
                overflow = true;
            }
            v = v * 10 + d;
        }
        if (overflow) {
            return INVALID;
        }
        if (negative) {
            v = -v;
        }
        return Long.compareUnsigned(v, limit) >= 0 ? BEYOND : v;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
