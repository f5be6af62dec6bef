package kvstore.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScanCursorTest {
    private static long parse(String s) {
        return ScanCursor.parse(s.getBytes(StandardCharsets.ISO_8859_1), 16384);
    }

    @Test
    void acceptsWhatStrtoulAccepts() {
        assertEquals(0, parse("0"));
        assertEquals(0, parse(""));
        assertEquals(5, parse("+5"));
        assertEquals(7, parse("007"));
        assertEquals(0, parse("-0"));
        assertEquals(16383, parse("16383"));
    }

    @Test
    void endsTheWalkForCursorsPastTheLastSlot() {
        assertEquals(ScanCursor.BEYOND, parse("16384"));
        assertEquals(ScanCursor.BEYOND, parse("-1"));
        assertEquals(ScanCursor.BEYOND, parse("4294967296"));
        assertEquals(ScanCursor.BEYOND, parse("18446744073709551615"));
    }

    @Test
    void rejectsWhatRedisCallsAnInvalidCursor() {
        for (String bad : new String[] {"x", "1x", " 1", "\t1", "-", "+", "18446744073709551616",
                "99999999999999999999", "1.0", "0x1"}) {
            assertEquals(ScanCursor.INVALID, parse(bad), bad);
        }
    }
}
