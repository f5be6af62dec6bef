package kvstore.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void parsesLikeString2ll() {
        assertEquals(0, Args.parseLong(b("0")));
        assertEquals(-12, Args.parseLong(b("-12")));
        assertEquals(Long.MAX_VALUE, Args.parseLong(b("9223372036854775807")));
        assertTrue(Args.isLong(b("-9223372036854775808")));
        assertEquals(Long.MIN_VALUE, Args.longValue(b("-9223372036854775808")));
        for (String bad : new String[] {"", "01", "+1", " 1", "1 ", "-0", "-", "9223372036854775808", "1.0", "0x1"}) {
            assertFalse(Args.isLong(b(bad)), bad);
        }
    }

    @Test
    void matchesWordsIgnoringCase() {
        assertTrue(Args.is(b("NX"), "nx"));
        assertTrue(Args.is(b("Nx"), "nx"));
        assertFalse(Args.is(b("nxx"), "nx"));
    }
}
