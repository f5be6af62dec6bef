package kvstore.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ElementCursorTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void resumesAtTheNextElementsPrefixAndTail() {
        long c = ElementCursor.encode(b("user:1000"), b("user:1234567"));
        assertNotEquals(0, c);
        // shared prefix "user:1", then five bytes of tail
        assertArrayEquals(b("user:123456"), ElementCursor.decode(c, b("user:1000")));
        // another first element with the same prefix gives the same point
        assertArrayEquals(b("user:123456"), ElementCursor.decode(c, b("user:1001")));
    }

    @Test
    void trailingZeroBytesOfTheTailAreDropped() {
        long c = ElementCursor.encode(b("k"), b("kx\0"));
        assertArrayEquals(b("kx"), ElementCursor.decode(c, b("k")));
    }

    @Test
    void restartsWhenTheFirstElementNoLongerSharesThePrefix() {
        // {aa1, aa5, ab2}: resume at aa5; then aa1 and aa5 go, so ab2 is first. Resuming at "ab5" would skip ab2.
        long c = ElementCursor.encode(b("aa1"), b("aa5"));
        assertNull(ElementCursor.decode(c, b("ab2")));
        assertNull(ElementCursor.decode(c, b("a")));
        assertNull(ElementCursor.decode(c, null));
    }

    @Test
    void longCommonPrefixesAreCappedAt255() {
        byte[] first = new byte[400];
        byte[] next = new byte[400];
        next[399] = 1;
        long c = ElementCursor.encode(first, next);
        assertArrayEquals(java.util.Arrays.copyOf(first, 255), ElementCursor.decode(c, first));
    }
}
