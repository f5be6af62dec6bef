package kvstore.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are redis-server 7.0.15's LCS replies for the same strings. */
class LcsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void findsTheSubsequenceAndRangesLikeRedis() {
        Lcs r = Lcs.of(b("ohmytext"), b("mynewtext"), true);
        assertEquals("mytext", new String(r.lcs(), StandardCharsets.ISO_8859_1));
        assertEquals(6, r.length());
        assertEquals(List.of(new Lcs.Range(4, 7, 5, 8), new Lcs.Range(2, 3, 0, 1)), r.ranges());
    }

    @Test
    void prefersTheSecondStringOnTies() {
        Lcs r = Lcs.of(b("aaaa"), b("aa"), true);
        assertEquals(List.of(new Lcs.Range(2, 3, 0, 1)), r.ranges());
    }

    @Test
    void emptyAndDisjoint() {
        assertEquals(0, Lcs.of(b(""), b("abc"), true).length());
        assertEquals(List.of(), Lcs.of(b("abc"), b("xyz"), true).ranges());
        assertEquals(3, Lcs.of(b("abc"), b("abc"), false).length());
    }
}
