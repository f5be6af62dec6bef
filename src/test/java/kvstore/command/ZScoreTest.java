package kvstore.command;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZScoreTest {
    private static final double[] ASCENDING = {
        Double.NEGATIVE_INFINITY, -Double.MAX_VALUE, -1e300, -2.5, -1, -Double.MIN_NORMAL, -Double.MIN_VALUE,
        0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 1e-300, 0.1, 1, 1.0000000000000002, 2.5, 1e20, Double.MAX_VALUE,
        Double.POSITIVE_INFINITY,
    };

    private static byte[] key(double d) {
        return ZSetStore.indexKey(d, new byte[0]);
    }

    @Test
    void indexKeysSortAsUnsignedBytesInNumericOrder() {
        for (int i = 0; i + 1 < ASCENDING.length; i++) {
            byte[] lo = key(ASCENDING[i]);
            byte[] hi = key(ASCENDING[i + 1]);
            assertTrue(Arrays.compareUnsigned(lo, hi) < 0, ASCENDING[i] + " should sort before " + ASCENDING[i + 1]);
        }
    }

    @Test
    void sortableRoundTripsAndNormalisesNegativeZero() {
        for (double d : ASCENDING) {
            assertEquals(d, ZScore.fromSortable(ZScore.sortable(d)));
        }
        assertEquals(ZScore.sortable(0.0), ZScore.sortable(-0.0));
        assertEquals(0L, Double.doubleToRawLongBits(ZScore.fromSortable(ZScore.sortable(-0.0))));
    }

    @Test
    void membersBreakTiesInByteOrder() {
        byte[] a = ZSetStore.indexKey(1, new byte[] {(byte) 0x7f});
        byte[] b = ZSetStore.indexKey(1, new byte[] {(byte) 0x80});
        byte[] c = ZSetStore.indexKey(1.5, new byte[0]);
        assertTrue(Arrays.compareUnsigned(a, b) < 0);
        assertTrue(Arrays.compareUnsigned(b, c) < 0);
    }

    @Test
    void parseFollowsGetDoubleFromObject() {
        assertEquals(16.0, ZScore.parse("0x10".getBytes()));
        assertEquals(1500.0, ZScore.parse("1.5e3".getBytes()));
        assertEquals(Double.NEGATIVE_INFINITY, ZScore.parse("-inf".getBytes()));
        for (String bad : new String[] {"", " 1", "1 ", "nan", "1e400", "1e-400", "abc", "1d", "0x"}) {
            assertThrows(NumberFormatException.class, () -> ZScore.parse(bad.getBytes()), bad);
        }
    }

    @Test
    void boundsFollowStrtod() {
        assertEquals(0.0, ZScore.parseBound(new byte[0], 0));
        assertEquals(1.0, ZScore.parseBound(" 1".getBytes(), 0));
        assertEquals(2.0, ZScore.parseBound("(2".getBytes(), 1));
        assertEquals(Double.POSITIVE_INFINITY, ZScore.parseBound("1e400".getBytes(), 0));
        assertThrows(NumberFormatException.class, () -> ZScore.parseBound("nan".getBytes(), 0));
        assertThrows(NumberFormatException.class, () -> ZScore.parseBound("1 ".getBytes(), 0));
    }

    @Test
    void listpackTextPrintsIntegersWithoutExponent() {
        assertEquals("123456789012345680", ZScore.listpackText(123456789012345678.0));
        assertEquals("1e+20", ZScore.listpackText(1e20));
        assertEquals("1.5", ZScore.listpackText(1.5));
        assertEquals("0", ZScore.listpackText(0.0));
    }
}
