package kvstore.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobTest {
    @Test
    void matchesLikeRedisStringmatch() {
        assertTrue(Glob.matches("*", "", false));
        assertTrue(Glob.matches("max*", "maxclients", false));
        assertTrue(Glob.matches("MAX*", "maxclients", true));
        assertFalse(Glob.matches("MAX*", "maxclients", false));
        assertTrue(Glob.matches("h?", "hz", false));
        assertFalse(Glob.matches("h?", "h", false));
        assertTrue(Glob.matches("[a-c]x", "bx", false));
        assertFalse(Glob.matches("[^a-c]x", "bx", false));
        assertTrue(Glob.matches("a\\*b", "a*b", false));
        assertFalse(Glob.matches("a\\*b", "axb", false));
        assertTrue(Glob.matches("*-*-*", "slowlog-max-len", false));
        assertFalse(Glob.matches("*-*-*-*", "slowlog-max-len", false));
    }
}
