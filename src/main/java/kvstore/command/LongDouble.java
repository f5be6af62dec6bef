package kvstore.command;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A C {@code long double} as Redis on x86-64 has it (x87 80-bit extended: 64-bit significand,
 * exponent range 2^-16382 .. 2^16383, subnormals down to 2^-16445), so that INCRBYFLOAT gives the
 * same digits as Redis. Finite values are held exactly as {@code mantissa * 2^exponent}; every
 * operation rounds to nearest, ties to even, like the FPU.
 *
 * <p>Parsing follows glibc's strtold under Redis's string2ld rules, formatting follows ld2string's
 * human mode ("%.17Lf" with trailing zeros removed).
 */
public final class LongDouble {
    /** Significand bits of the x87 extended format. */
    static final int PRECISION = 64;
    /** Exponent of the least significant bit of a subnormal: the smallest positive value is 2^-16445. */
    static final int MIN_EXPONENT = -16445;
    /** Finite values are below 2^16384. */
    static final int MAX_BINARY_EXPONENT = 16384;
    /** string2ld refuses inputs of this many bytes or more (MAX_LONG_DOUBLE_CHARS). */
    static final int MAX_CHARS = 5 * 1024;

    private static final LongDouble POSITIVE_INFINITY = new LongDouble(false, null, 0);
    private static final LongDouble NEGATIVE_INFINITY = new LongDouble(true, null, 0);

    private final boolean negative;
    /** Null for an infinity; otherwise below 2^64, zero for a zero. */
    private final BigInteger mantissa;
    private final int exponent;

    private LongDouble(boolean negative, BigInteger mantissa, int exponent) {
        // canonical form (odd mantissa, zero with exponent 0) so that equal values are equal objects
        if (mantissa != null) {
            int zeros = mantissa.signum() == 0 ? 0 : mantissa.getLowestSetBit();
            if (zeros > 0) {
                mantissa = mantissa.shiftRight(zeros);
                exponent += zeros;
            } else if (mantissa.signum() == 0) {
                exponent = 0;
            }
        }
        this.negative = negative;
        this.mantissa = mantissa;
        this.exponent = exponent;
    }

    public static LongDouble zero(boolean negative) {
        return new LongDouble(negative, BigInteger.ZERO, 0);
    }

    public static LongDouble infinity(boolean negative) {
        return negative ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
    }

    /** The long double nearest to {@code value} (every long is exact: 64 significand bits). */
    public static LongDouble of(long value) {
        if (value == 0) {
            return zero(false);
        }
        BigInteger m = BigInteger.valueOf(value);
        return new LongDouble(value < 0, m.abs(), 0);
    }

    public boolean isInfinite() {
        return mantissa == null;
    }

    public boolean isZero() {
        return mantissa != null && mantissa.signum() == 0;
    }

    public boolean isNegative() {
        return negative;
    }

    /** The exact value; only for finite values. */
    public BigDecimal toBigDecimal() {
        if (mantissa == null) {
            throw new ArithmeticException("infinite");
        }
        BigDecimal v = exponent >= 0
                ? new BigDecimal(mantissa.shiftLeft(exponent))
                : new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
        return negative ? v.negate() : v;
    }

    /** this + other, rounded as the FPU does; NaN (inf + -inf) is returned as null. */
    public LongDouble add(LongDouble other) {
        if (isInfinite() || other.isInfinite()) {
            if (isInfinite() && other.isInfinite() && negative != other.negative) {
                return null;
            }
            return isInfinite() ? this : other;
        }
        if (isZero() && other.isZero()) {
            return zero(negative && other.negative);
        }
        int e = Math.min(exponent, other.exponent);
        BigInteger a = mantissa.shiftLeft(exponent - e);
        BigInteger b = other.mantissa.shiftLeft(other.exponent - e);
        BigInteger sum = (negative ? a.negate() : a).add(other.negative ? b.negate() : b);
        if (sum.signum() == 0) {
            return zero(false); // x + (-x) is +0 when rounding to nearest
        }
        return round(sum.signum() < 0, sum.abs(), BigInteger.ONE, e);
    }

    /**
     * The long double nearest to {@code num / den * 2^exp2} (num, den positive): rounds to 64 bits,
     * or fewer for subnormals, ties to even; infinity when the result is too large.
     */
    static LongDouble round(boolean negative, BigInteger num, BigInteger den, int exp2) {
        // floor(log2(value)) is b or b - 1; aim two or more bits below the final precision so the
        // rounding decision sees a guard bit, plus a sticky bit from the division remainder
        long b = (long) num.bitLength() - den.bitLength() + exp2;
        long lowGuess = Math.max(b - PRECISION - 2, MIN_EXPONENT) - 2;
        if (lowGuess > Integer.MAX_VALUE / 2) {
            return infinity(negative);
        }
        int low = (int) lowGuess;
        long shift = (long) exp2 - low;
        BigInteger n = shift >= 0 ? num.shiftLeft((int) shift) : num;
        BigInteger d = shift >= 0 ? den : den.shiftLeft((int) -shift);
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger scaled = qr[0];
        boolean sticky = qr[1].signum() != 0;
        if (scaled.signum() == 0) {
            return zero(negative); // far below the smallest subnormal
        }
        int quantum = Math.max(scaled.bitLength() + low - PRECISION, MIN_EXPONENT);
        int drop = quantum - low;
        BigInteger m = scaled.shiftRight(drop);
        BigInteger rest = scaled.subtract(m.shiftLeft(drop));
        BigInteger half = BigInteger.ONE.shiftLeft(drop - 1);
        int c = rest.compareTo(half);
        if (c > 0 || (c == 0 && (sticky || m.testBit(0)))) {
            m = m.add(BigInteger.ONE);
            if (m.bitLength() > PRECISION) {
                m = m.shiftRight(1);
                quantum++;
            }
        }
        if (m.signum() == 0) {
            return zero(negative);
        }
        if ((long) m.bitLength() + quantum > MAX_BINARY_EXPONENT) {
            return infinity(negative);
        }
        return new LongDouble(negative, m, quantum);
    }

    /**
     * Parses like Redis's string2ld: strtold must consume every byte (so a NUL refuses), no leading
     * space, no NaN, no result that overflows or underflows to zero. Null if refused.
     */
    public static LongDouble parse(byte[] s) {
        if (s.length == 0 || s.length >= MAX_CHARS) {
            return null;
        }
        return new StrtoldParser(s).parse();
    }

    /** ld2string in LD_STR_HUMAN mode: "%.17Lf", trailing zeros and a trailing '.' removed, "-0" as "0". */
    public String toHumanString() {
        if (mantissa == null) {
            return negative ? "-inf" : "inf";
        }
        String t = toBigDecimal().setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (negative && mantissa.signum() == 0) {
            t = "-" + t; // BigDecimal has no negative zero; printf prints "-0.000..."
        }
        int end = t.length();
        while (t.charAt(end - 1) == '0') {
            end--;
        }
        if (t.charAt(end - 1) == '.') {
            end--;
        }
        t = t.substring(0, end);
        return t.equals("-0") ? "0" : t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LongDouble x && x.negative == negative && x.exponent == exponent
                && java.util.Objects.equals(x.mantissa, mantissa);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(negative, mantissa, exponent);
    }

    @Override
    public String toString() {
        return mantissa == null ? (negative ? "-inf" : "inf")
                : (negative ? "-" : "") + mantissa + "*2^" + exponent;
    }

    /** glibc strtold's grammar over a NUL-terminated copy, with string2ld's extra refusals. */
    private static final class StrtoldParser {
        /** Exponents beyond this are out of range whatever the digits (at most 5119 of them). */
        private static final int EXPONENT_CAP = 1_000_000;

        private final byte[] s;
        private final int end;
        private int p;

        StrtoldParser(byte[] s) {
            this.s = s;
            int n = 0;
            while (n < s.length && s[n] != 0) {
                n++;
            }
            this.end = n;
        }

        LongDouble parse() {
            if (end != s.length || isSpace(s[0])) {
                return null; // strtold stops at a NUL, short of the whole string: refused
            }
            boolean negative = false;
            if (s[p] == '+' || s[p] == '-') {
                negative = s[p] == '-';
                p++;
            }
            if (matchWord("infinity") || matchWord("inf")) {
                return p == end ? infinity(negative) : null;
            }
            if (p + 2 < end && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
                p += 2;
                return hex(negative);
            }
            return decimal(negative);
        }

        private LongDouble decimal(boolean negative) {
            StringBuilder digits = new StringBuilder();
            int fraction = 0;
            boolean any = false;
            while (p < end && isDigit(s[p])) {
                appendDigit(digits, s[p++]);
                any = true;
            }
            if (p < end && s[p] == '.') {
                p++;
                while (p < end && isDigit(s[p])) {
                    appendDigit(digits, s[p++]);
                    fraction++;
                    any = true;
                }
            }
            if (!any) {
                return null;
            }
            long exp = 0;
            if (p < end && (s[p] == 'e' || s[p] == 'E')) {
                exp = exponentPart();
                if (exp == Long.MIN_VALUE) {
                    return null;
                }
            }
            if (p != end) {
                return null;
            }
            if (digits.length() == 0) {
                return zero(negative); // only zeros: no range error
            }
            long k = exp - fraction;
            int nd = digits.length();
            if (k + nd - 1 > 4933) {
                return null; // overflow: HUGE_VALL with ERANGE
            }
            if (k + nd < -4952) {
                return null; // underflow to zero with ERANGE
            }
            BigInteger d = new BigInteger(digits.toString());
            LongDouble v = k >= 0
                    ? round(negative, d.multiply(BigInteger.TEN.pow((int) k)), BigInteger.ONE, 0)
                    : round(negative, d, BigInteger.TEN.pow((int) -k), 0);
            return inRange(v);
        }

        private LongDouble hex(boolean negative) {
            BigInteger m = BigInteger.ZERO;
            int fraction = 0;
            boolean any = false;
            while (p < end && Character.digit(s[p], 16) >= 0) {
                m = m.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s[p++], 16)));
                any = true;
            }
            if (p < end && s[p] == '.') {
                p++;
                while (p < end && Character.digit(s[p], 16) >= 0) {
                    m = m.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s[p++], 16)));
                    fraction += 4;
                    any = true;
                }
            }
            if (!any) {
                // "0x" without digits: strtold reads just the "0" and stops at the 'x'
                return null;
            }
            long exp = 0;
            if (p < end && (s[p] == 'p' || s[p] == 'P')) {
                exp = exponentPart();
                if (exp == Long.MIN_VALUE) {
                    return null;
                }
            }
            if (p != end) {
                return null;
            }
            if (m.signum() == 0) {
                return zero(negative);
            }
            long e2 = exp - fraction;
            long magnitude = e2 + m.bitLength();
            if (magnitude > MAX_BINARY_EXPONENT + 1) {
                return null;
            }
            if (magnitude < MIN_EXPONENT - 1) {
                return null;
            }
            return inRange(round(negative, m, BigInteger.ONE, (int) e2));
        }

        /** The signed exponent after 'e' or 'p', capped; Long.MIN_VALUE if no digits follow (trailing garbage). */
        private long exponentPart() {
            int q = p + 1;
            boolean neg = false;
            if (q < end && (s[q] == '+' || s[q] == '-')) {
                neg = s[q] == '-';
                q++;
            }
            if (q >= end || !isDigit(s[q])) {
                return Long.MIN_VALUE;
            }
            long v = 0;
            while (q < end && isDigit(s[q])) {
                v = Math.min(v * 10 + (s[q++] - '0'), EXPONENT_CAP);
            }
            p = q;
            return neg ? -v : v;
        }

        /** string2ld refuses ERANGE results that are infinite or zero. */
        private static LongDouble inRange(LongDouble v) {
            return v.isInfinite() || v.isZero() ? null : v;
        }

        private static void appendDigit(StringBuilder digits, byte c) {
            if (c != '0' || digits.length() > 0) {
                digits.append((char) c);
            }
        }

        private boolean matchWord(String word) {
            if (end - p < word.length()) {
                return false;
            }
            for (int i = 0; i < word.length(); i++) {
                int c = s[p + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 32;
                }
                if (c != word.charAt(i)) {
                    return false;
                }
            }
            p += word.length();
            return true;
        }

        private static boolean isDigit(byte c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isSpace(byte c) {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
    }
}
