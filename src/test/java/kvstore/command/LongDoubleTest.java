package kvstore.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected strings are replies of redis-server 7.0.15 (x86-64) to the same INCRBYFLOAT calls. */
class LongDoubleTest {
    private static LongDouble ld(String s) {
        LongDouble v = LongDouble.parse(s.getBytes(StandardCharsets.ISO_8859_1));
        assertNotNull(v, s);
        return v;
    }

    /** INCRBYFLOAT on a key holding {@code value}: parse both, add, format. */
    private static String incr(String value, String by) {
        return ld(value).add(ld(by)).toHumanString();
    }

    @Test
    void addsWithSixtyFourBitSignificand() {
        assertEquals("10.6", incr("10.5", "0.1"));
        assertEquals("3010.60000000000000009", incr("10.6", "3.0e3"));
        assertEquals("8010.60000000000000009", incr("3010.60000000000000009", "5.0e3"));
        assertEquals("0.3", incr("0.1", "0.2")); // a double would give 0.30000000000000004
        assertEquals("0.1", incr("1", "-0.9")); // a double would give 0.09999999999999998
        assertEquals("5.85987448204883848", incr("3.14159265358979324", "2.71828182845904523536028747135266249"));
        assertEquals("9223372036854775808", incr("9223372036854775807", "1"));
        assertEquals("-1.23456", incr("0", "-123.456e-2"));
    }

    @Test
    void formatsLikePercentSeventeenLfTrimmed() {
        assertEquals("3.14159265358979324", ld("3.14159265358979323846264338327950288").toHumanString());
        assertEquals("10000000000000000000000000", ld("1e25").toHumanString());
        assertEquals("0.00000000000000002", ld("0.000000000000000015").toHumanString());
        assertEquals("18446744073709551616", ld("18446744073709551617").toHumanString());
        assertEquals("0", ld("-1e-20").toHumanString());
        assertEquals("0", ld("-0").toHumanString());
        assertEquals("0", ld("0e-99999").toHumanString());
        assertEquals("5", ld("5.").toHumanString());
        assertTrue(ld("1e400").toHumanString().startsWith("10000000000000000000281880683947586514586453433629"));
    }

    @Test
    void roundsDecimalTiesToEven() {
        // 2^-18 has 18 decimals ending in 5: printf rounds the tie to the even digit
        assertEquals("0.00000381469726562", ld("0.000003814697265625").toHumanString());
        assertEquals("0.00000381469726563", ld("0.000003814697265635").toHumanString());
    }

    @Test
    void parsesHexFloatsAndInfinities() {
        assertEquals("3", ld("0x1.8p1").toHumanString());
        assertEquals("687.216796875", ld("0XAbC.dEp-2").toHumanString());
        assertEquals("-0.0625", ld("-0x.1").toHumanString());
        assertTrue(ld("inf").isInfinite());
        assertTrue(ld("-Infinity").isInfinite() && ld("-Infinity").isNegative());
        assertTrue(ld("+INF").isInfinite());
    }

    @Test
    void refusesWhatString2ldRefuses() {
        for (String bad : new String[] {"", " 1", "1 ", "\t1", "\u00001", "1\u0000", "1.5\u0000x", "abc", "nan", "-nan",
                "nan(1)", "infinit", "infx", ".", "-", "+", "e5", "1e", "1e+", "1.2.3", "1,5", "1_0", "1d", "1f",
                "0x", "0x.", "0x.p1", "0x1p", "0xg", "--1", "+-1"}) {
            assertNull(LongDouble.parse(bad.getBytes(StandardCharsets.ISO_8859_1)), bad);
        }
        // string2ld's buffer: 5119 bytes parse, 5120 are refused whatever they say
        assertEquals(LongDouble.of(1), LongDouble.parse(b("0".repeat(5118) + "1")));
        assertNull(LongDouble.parse(b("0".repeat(5119) + "1")));
    }

    @Test
    void coversTheExtendedRange() {
        LongDouble max = ld("0x1.fffffffffffffffep16383");
        assertEquals(4933, max.toHumanString().length());
        assertTrue(max.toHumanString().startsWith("11897314953572317650"));
        assertEquals(max, ld("1.18973149535723176502e+4932"));
        // overflow, also by rounding up past the largest finite value
        assertNull(LongDouble.parse(b("0x1p16384")));
        assertNull(LongDouble.parse(b("0x1.ffffffffffffffff8p16383")));
        assertNull(LongDouble.parse(b("1e4933")));
        assertNull(LongDouble.parse(b("1e99999999999999999999")));
        assertTrue(max.add(ld("1e4932")).isInfinite());
        // subnormals: the smallest is 2^-16445; half of it rounds (tie, to even) to zero and is refused
        LongDouble min = ld("0x1p-16445");
        assertEquals(min, ld("0x3p-16447")); // 0.75 * min rounds up
        assertEquals(min, ld("1.9e-4951"));
        assertNull(LongDouble.parse(b("0x1p-16446")));
        assertNull(LongDouble.parse(b("1.8e-4951")));
        assertNull(LongDouble.parse(b("1e-5000")));
        assertTrue(ld("1e-4940").toBigDecimal().signum() > 0);
    }

    @Test
    void infinitiesAndNaN() {
        assertNull(ld("inf").add(ld("-inf")));
        assertTrue(ld("inf").add(ld("1")).isInfinite());
        assertTrue(ld("1").add(ld("-inf")).isNegative());
    }

    @Test
    void exactSumsNeedNoRounding() {
        assertEquals(ld("1e400").add(ld("-1e400")), LongDouble.zero(false));
        assertEquals(LongDouble.of(3), ld("1").add(ld("2")));
        assertEquals(LongDouble.of(Long.MIN_VALUE), ld("-9223372036854775808"));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
