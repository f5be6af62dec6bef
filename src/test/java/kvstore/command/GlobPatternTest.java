package kvstore.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class GlobPatternTest {
    /**
     * {pattern, key, "yes"/"no"}: what redis-server 7.0.15's KEYS answered for the key alone in the
     * database. Strings are byte strings (one char per byte, \u00ff = byte 0xff).
     */
    private static final String[][] REDIS_7_0_15 = {
                {"*", "", "yes"},
                {"", "", "yes"},
                {"", "a", "no"},
                {"?", "", "no"},
                {"?", "a", "yes"},
                {"??", "a", "no"},
                {"h?llo", "hello", "yes"},
                {"h*llo", "hllo", "yes"},
                {"h*llo", "heeeello", "yes"},
                {"h[ae]llo", "hallo", "yes"},
                {"h[ae]llo", "hillo", "no"},
                {"h[^e]llo", "hello", "no"},
                {"h[^e]llo", "hallo", "yes"},
                {"h[a-b]llo", "hbllo", "yes"},
                {"h[b-a]llo", "hbllo", "yes"},
                {"h[a-]llo", "h-llo", "no"},
                {"h[a-]llo", "hallo", "no"},
                {"h[-a]llo", "h-llo", "yes"},
                {"h[\\]]llo", "h]llo", "yes"},
                {"h[\\-]llo", "h-llo", "yes"},
                {"h\\*llo", "h*llo", "yes"},
                {"h\\*llo", "hello", "no"},
                {"h[", "h", "no"},
                {"h[", "h[", "no"},
                {"h[e", "he", "yes"},
                {"[abc", "a", "yes"},
                {"[abc", "d", "no"},
                {"[]", "]", "no"},
                {"[]", "a", "no"},
                {"[]]", "]", "no"},
                {"[^]", "x", "yes"},
                {"[^]]", "]", "no"},
                {"\\", "\\", "yes"},
                {"a\\", "a\\", "yes"},
                {"a\\", "a", "no"},
                {"[\\", "\\", "yes"},
                {"[\\", "a", "no"},
                {"[a-\u00ff]", "b", "no"},
                {"[a-\u00ff]", "\u0080", "no"},
                {"[a-\u00ff]", "\u00ff", "yes"},
                {"[a-\u00ff]", "\u0000", "yes"},
                {"[\u0001-\u00ff]", "a", "no"},
                {"[\u0000-\u0001]", "\u0000", "yes"},
                {"\u0000", "\u0000", "yes"},
                {"a\u0000b", "a\u0000b", "yes"},
                {"*[", "a[", "no"},
                {"*[", "a", "no"},
                {"**a", "a", "yes"},
                {"a*", "a", "yes"},
                {"*a*b", "xaxb", "yes"},
                {"a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", "no"},
                {"[[]", "[", "yes"},
                {"[a-c-e]", "d", "no"},
                {"[a-c-e]", "-", "yes"},
                {"[a-c-e]", "e", "yes"},
                {"[z-a]", "m", "yes"},
                {"[\\a-c]", "b", "no"},
                {"[\\a-c]", "-", "yes"},
                {"[a-]", "-", "no"},
                {"[-]", "-", "yes"},
                {"[^a-z]*", "Abc", "yes"},
                {"[^a-z]*", "abc", "no"},
                {"*\\", "a\\", "yes"},
                {"*?", "a", "yes"},
                {"*?", "", "no"},
                {"a[", "a", "no"},
                {"a[b", "a", "no"},
                {"a[b-", "a", "no"},
                {"a[b-", "ab", "yes"},
                {"[a-", "-", "yes"},
                {"[a-", "a", "yes"},
                {"[^", "a", "yes"},
                {"[^", "", "no"},
                {"\\\\", "\\", "yes"},
                {"\\a", "a", "yes"},
                {"*[^\\]]", "a]", "no"},
                {"*b*", "abc", "yes"},
                {"*", "abc", "yes"},
                {"abc*", "ab", "no"},
                {"?*", "a", "yes"},
                {"[A-Z]", "a", "no"},
                {"[\u00ff-\u0080]", "\u0090", "yes"},
                {"[\u0080-\u00ff]", "\u00a0", "yes"},
    };

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void agreesWithRedisOnTrickyPatterns() {
        for (String[] c : REDIS_7_0_15) {
            assertEquals(c[2].equals("yes"), GlobPattern.matches(b(c[0]), b(c[1])),
                    () -> "pattern '" + c[0] + "' against '" + c[1] + "'");
        }
    }

    @Test
    void comparesBytesAsSignedCharsInRanges() {
        // [a-\xff] is [-1..97] in C's signed chars: it holds 0xff, '\0' and 'a' but neither 'b' nor 0x80
        assertTrue(GlobPattern.matches(b("[a-\u00ff]"), b("\u00ff")));
        assertTrue(GlobPattern.matches(b("[a-\u00ff]"), b("\u0000")));
        assertFalse(GlobPattern.matches(b("[a-\u00ff]"), b("\u0080")));
        assertFalse(GlobPattern.matches(b("[a-\u00ff]"), b("b")));
    }

    @Test
    void starOnlyPatternMatchesEverything() {
        assertTrue(new GlobPattern(b("*")).matchesAll());
        assertFalse(new GlobPattern(b("**")).matchesAll());
        // only the literal "*" is short-cut; the matcher itself never matches an empty key
        assertFalse(GlobPattern.matches(b("**"), b("")));
        assertTrue(GlobPattern.matches(b("*"), b("")));
        assertTrue(GlobPattern.matches(b("*"), new byte[] {0, (byte) 0xff}));
    }

    @Test
    void manyStarsFailFast() {
        byte[] pattern = b("a*".repeat(60) + "b");
        byte[] key = b("a".repeat(5000));
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(2),
                () -> assertFalse(GlobPattern.matches(pattern, key)));
    }

    @Test
    void deeplyNestedPatternsFailInsteadOfOverflowingTheStack() {
        byte[] pattern = b("a*".repeat(200_000) + "b");
        byte[] key = b("a".repeat(200_000) + "b");
        assertFalse(GlobPattern.matches(pattern, key));
        assertTrue(GlobPattern.matches(b("a*".repeat(500) + "b"), b("a".repeat(600) + "b")));
    }
}
