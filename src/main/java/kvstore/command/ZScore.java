package kvstore.command;

import kvstore.resp.DoubleFormat;

/**
 * Sorted-set scores: the order-preserving byte encoding the score index uses, and the two ways
 * Redis 7.0 reads a score from text (getDoubleFromObject for ZADD/ZINCRBY/WEIGHTS, bare strtod for
 * ZRANGEBYSCORE-style bounds), both following C's strtod grammar rather than Java's.
 */
final class ZScore {
    private ZScore() {
    }

    /**
     * 8 bytes whose unsigned byte order is the numeric order of the doubles: the sign bit is flipped
     * for positives and all bits are flipped for negatives. -0.0 is encoded as 0.0 (they compare
     * equal, so members with either score must sort by member alone). NaN never gets here.
     */
    static long sortable(double d) {
        if (d == 0) {
            d = 0.0;
        }
        long bits = Double.doubleToRawLongBits(d);
        return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    }

    static double fromSortable(long s) {
        long bits = s < 0 ? s ^ Long.MIN_VALUE : ~s;
        return Double.longBitsToDouble(bits);
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static byte[] encodeRaw(double d) {
        byte[] b = new byte[8];
        putLong(b, 0, Double.doubleToRawLongBits(d));
        return b;
    }

    static double decodeRaw(byte[] b) {
        return Double.longBitsToDouble(getLong(b, 0));
    }

    /**
     * Redis's getDoubleFromObject: the whole string must be a strtod number, not empty, not starting
     * with a space, not NaN, and not overflowing (nor underflowing to zero). Throws
     * NumberFormatException otherwise.
     */
    static double parse(byte[] s) {
        if (s.length == 0 || isSpace(s[0])) {
            throw new NumberFormatException();
        }
        int end = strtodEnd(s, 0);
        if (end != s.length) {
            throw new NumberFormatException();
        }
        double d = convert(s, 0, end);
        if (Double.isNaN(d) || (Double.isInfinite(d) && !spellsInf(s, 0)) || (d == 0 && hasNonZeroDigit(s, 0))) {
            throw new NumberFormatException();
        }
        return d;
    }

    /**
     * A bound of zslParseRange: {@code strtod(s + from)} must consume everything and not give NaN.
     * Unlike {@link #parse}, leading spaces, overflow to infinity, underflow and the empty string (0)
     * are all accepted, as C's strtod without errno checks accepts them.
     */
    static double parseBound(byte[] s, int from) {
        int end = strtodEnd(s, from);
        if (end == -1) {
            // nothing converted: the end pointer stays at the start, fine only if that is the end
            if (from == s.length) {
                return 0;
            }
            throw new NumberFormatException();
        }
        if (end != s.length) {
            throw new NumberFormatException();
        }
        double d = convert(s, from, end);
        if (Double.isNaN(d)) {
            throw new NumberFormatException();
        }
        return d;
    }

    /**
     * A SORT weight (sortCommandGeneric): strtod must consume the whole string as for
     * {@link #parseBound} (the empty string is 0), and must not overflow or underflow (ERANGE).
     */
    static double parseSortWeight(byte[] s) {
        double d = parseBound(s, 0);
        if ((Double.isInfinite(d) && !spellsInf(s, 0)) || (d == 0 && hasNonZeroDigit(s, 0))) {
            throw new NumberFormatException();
        }
        return d;
    }

    /** How Redis 7.0 replies with a score: %.17g text ("inf", "-inf"). */
    static String format(double d) {
        return DoubleFormat.g17(d);
    }

    /**
     * Redis 7.0's d2string, the text a listpack stores for a score and ZSCAN therefore returns for a
     * small sorted set: integral values within ±LLONG_MAX/2 print as integers, others as %.17g.
     */
    static String listpackText(double d) {
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        if (!Double.isInfinite(d) && d >= -4.611686018427388E18 && d <= 4.611686018427388E18 && d == Math.rint(d)) {
            return Long.toString((long) d);
        }
        return format(d);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    /** The index just past the longest strtod prefix starting at {@code from}, or -1 if none. */
    private static int strtodEnd(byte[] s, int from) {
        int i = from;
        int n = s.length;
        while (i < n && isSpace(s[i])) {
            i++;
        }
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        if (matchWord(s, i, "infinity")) {
            return i + 8;
        }
        if (matchWord(s, i, "inf")) {
            return i + 3;
        }
        if (matchWord(s, i, "nan")) {
            int j = i + 3;
            if (j < n && s[j] == '(') {
                int k = j + 1;
                while (k < n && (Character.isLetterOrDigit(s[k]) || s[k] == '_')) {
                    k++;
                }
                if (k < n && s[k] == ')') {
                    return k + 1;
                }
            }
            return j;
        }
        if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            int j = i + 2;
            int digits = 0;
            while (j < n && isHex(s[j])) {
                j++;
                digits++;
            }
            if (j < n && s[j] == '.') {
                j++;
                while (j < n && isHex(s[j])) {
                    j++;
                    digits++;
                }
            }
            if (digits == 0) {
                return i + 1; // just the "0"
            }
            if (j < n && (s[j] == 'p' || s[j] == 'P')) {
                int e = exponentEnd(s, j + 1);
                if (e > 0) {
                    j = e;
                }
            }
            return j;
        }
        int j = i;
        int digits = 0;
        while (j < n && isDigit(s[j])) {
            j++;
            digits++;
        }
        if (j < n && s[j] == '.') {
            j++;
            while (j < n && isDigit(s[j])) {
                j++;
                digits++;
            }
        }
        if (digits == 0) {
            return -1;
        }
        if (j < n && (s[j] == 'e' || s[j] == 'E')) {
            int e = exponentEnd(s, j + 1);
            if (e > 0) {
                j = e;
            }
        }
        return j;
    }

    private static int exponentEnd(byte[] s, int i) {
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        int start = i;
        while (i < s.length && isDigit(s[i])) {
            i++;
        }
        return i > start ? i : -1;
    }

    private static boolean matchWord(byte[] s, int i, String w) {
        if (i + w.length() > s.length) {
            return false;
        }
        for (int k = 0; k < w.length(); k++) {
            int c = s[i + k];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != w.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(byte c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean spellsInf(byte[] s, int from) {
        int i = from;
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        return matchWord(s, i, "inf");
    }

    private static boolean hasNonZeroDigit(byte[] s, int from) {
        boolean hex = false;
        for (int i = from; i < s.length; i++) {
            byte c = s[i];
            if (c == 'x' || c == 'X') {
                hex = true;
                continue;
            }
            if (c == 'e' || c == 'E' || ((c == 'p' || c == 'P') && hex)) {
                return false;
            }
            if ((c >= '1' && c <= '9') || (hex && isHex(c) && c != '0')) {
                return true;
            }
        }
        return false;
    }

    /** Converts a validated strtod prefix s[from, end) (correctly rounded, as glibc does). */
    private static double convert(byte[] s, int from, int end) {
        String t = new String(s, from, end - from, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
        String l = t.toLowerCase(java.util.Locale.ROOT);
        boolean negative = l.startsWith("-");
        String body = (l.startsWith("-") || l.startsWith("+")) ? l.substring(1) : l;
        if (body.startsWith("inf")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (body.startsWith("nan")) {
            return Double.NaN;
        }
        if (body.startsWith("0x")) {
            String hex = body.indexOf('p') >= 0 ? body : body + "p0";
            if (hex.startsWith("0x.")) {
                hex = "0x0." + hex.substring(3);
            }
            double d = Double.parseDouble(hex);
            return negative ? -d : d;
        }
        double d = Double.parseDouble(body);
        return negative ? -d : d;
    }
}
