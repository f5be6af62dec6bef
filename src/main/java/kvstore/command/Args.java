package kvstore.command;

import java.nio.charset.StandardCharsets;

/** Argument parsing with Redis's rules, shared by all commands. */
public final class Args {
    /** Returned by {@link #parseLong} for a malformed number. */
    public static final long INVALID = Long.MIN_VALUE;

    private Args() {
    }

    /** True if {@code arg} equals the ASCII word {@code lower} (given in lower case), ignoring case. */
    public static boolean is(byte[] arg, String lower) {
        if (arg.length != lower.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The argument as a byte string (one char per byte). */
    public static String str(byte[] arg) {
        return new String(arg, StandardCharsets.ISO_8859_1);
    }

    /**
     * Redis's string2ll: an optional '-', then digits with no leading zero (except "0" itself), no
     * spaces, no '+', within a signed 64-bit range. {@link #INVALID} otherwise; note that
     * Long.MIN_VALUE itself is then indistinguishable, which callers check with {@link #isLong}.
     */
    public static long parseLong(byte[] s) {
        int len = s.length;
        if (len == 0 || len > 20) {
            return INVALID;
        }
        if (len == 1 && s[0] == '0') {
            return 0;
        }
        int p = 0;
        boolean negative = false;
        if (s[0] == '-') {
            negative = true;
            p++;
            if (p == len) {
                return INVALID;
            }
        }
        if (s[p] < '1' || s[p] > '9') {
            return INVALID;
        }
        long v = 0;
        for (; p < len; p++) {
            int d = s[p] - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            // accumulate as a negative number so that Long.MIN_VALUE fits
            if (v < (Long.MIN_VALUE + d) / 10) {
                return INVALID;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return INVALID;
            }
            return -v;
        }
        return v;
    }

    /** True if {@code s} is a valid string2ll number (Long.MIN_VALUE included). */
    public static boolean isLong(byte[] s) {
        return parseLong(s) != INVALID || Args.is(s, "-9223372036854775808");
    }

    /** Parses like Redis's getLongLongFromObject; throws {@link NumberFormatException} if invalid. */
    public static long longValue(byte[] s) {
        long v = parseLong(s);
        if (v == INVALID && !isLong(s)) {
            throw new NumberFormatException();
        }
        return v;
    }

    /**
     * Redis's string2ld / strtold rules for floats: no leading or trailing space, not empty, and
     * finite unless it spells inf; NaN is rejected. Throws {@link NumberFormatException} otherwise.
     */
    public static double doubleValue(byte[] s) {
        String t = str(s);
        if (t.isEmpty() || Character.isWhitespace(t.charAt(0)) || Character.isWhitespace(t.charAt(t.length() - 1))) {
            throw new NumberFormatException();
        }
        String l = t.toLowerCase(java.util.Locale.ROOT);
        switch (l) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
            }
        }
        if (l.contains("nan") || l.endsWith("d") || l.endsWith("f") || l.contains("_")) {
            throw new NumberFormatException();
        }
        double d = Double.parseDouble(t);
        if (Double.isNaN(d)) {
            throw new NumberFormatException();
        }
        return d;
    }
}
