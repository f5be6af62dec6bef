package kvstore.command;

/**
 * Redis's glob matcher (util.c stringmatchlen, case-sensitive), byte for byte, for KEYS and SCAN
 * MATCH: '*', '?', '[...]' with '^' negation, 'a-z' ranges and '\' escapes, '\' outside brackets.
 *
 * <p>Quirks kept on purpose because clients can observe them: bytes compare as C's signed char, so a
 * range such as [a-\xff] is really [\xff-a] and matches neither 'b' nor '\x80'; an unterminated
 * '[' class matches like a terminated one; a trailing '\' matches a literal '\'. The C code reads the
 * pattern's NUL terminator at the end, which {@link #at} reproduces by answering 0 past the end.
 * Like Redis 7.0, once the part after a '*' has failed against every suffix, earlier stars give up
 * too, so a pattern of many stars cannot take exponential time.
 *
 * <p>One deliberate departure: like Redis 7.2.6 and later (the fix for CVE-2024-31228), a match
 * nested more than {@value #MAX_NESTING} stars deep fails instead of recursing on, so a huge pattern
 * cannot overflow the thread's stack. Redis 7.0.15 would keep recursing.
 */
public final class GlobPattern {
    static final int MAX_NESTING = 1000;

    private final byte[] pattern;
    private final boolean matchesAll;

    public GlobPattern(byte[] pattern) {
        this.pattern = pattern;
        this.matchesAll = pattern.length == 1 && pattern[0] == '*';
    }

    /** True if the pattern is "*", which Redis short-cuts to match everything. */
    public boolean matchesAll() {
        return matchesAll;
    }

    public boolean matches(byte[] string) {
        return matchesAll || match(0, pattern.length, string, 0, string.length, new boolean[1], 0);
    }

    public static boolean matches(byte[] pattern, byte[] string) {
        return new GlobPattern(pattern).matches(string);
    }

    private byte at(int i) {
        return i < pattern.length ? pattern[i] : 0;
    }

    private static byte at(byte[] s, int i) {
        return i < s.length ? s[i] : 0;
    }

    /**
     * p/plen: pattern position and remaining length; s/slen: the same for the string.
     * skipLonger[0] is Redis's skipLongerMatches flag.
     */
    private boolean match(int p, int plen, byte[] str, int s, int slen, boolean[] skipLonger, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        while (plen > 0 && slen > 0) {
            switch (at(p)) {
                case '*': {
                    while (plen > 0 && at(p + 1) == '*') {
                        p++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (match(p + 1, plen - 1, str, s, slen, skipLonger, nesting + 1)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                        s++;
                        slen--;
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?':
                    s++;
                    slen--;
                    break;
                case '[': {
                    p++;
                    plen--;
                    boolean not = at(p) == '^';
                    if (not) {
                        p++;
                        plen--;
                    }
                    boolean match = false;
                    byte c = at(str, s);
                    while (true) {
                        if (at(p) == '\\' && plen >= 2) {
                            p++;
                            plen--;
                            if (at(p) == c) {
                                match = true;
                            }
                        } else if (at(p) == ']') {
                            break;
                        } else if (plen == 0) {
                            p--;
                            plen++;
                            break;
                        } else if (plen >= 3 && at(p + 1) == '-') {
                            int start = at(p);
                            int end = at(p + 2);
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            p += 2;
                            plen -= 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (at(p) == c) {
                            match = true;
                        }
                        p++;
                        plen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    s++;
                    slen--;
                    break;
                }
                case '\\':
                    if (plen >= 2) {
                        p++;
                        plen--;
                    }
                    if (at(p) != at(str, s)) {
                        return false;
                    }
                    s++;
                    slen--;
                    break;
                default:
                    if (at(p) != at(str, s)) {
                        return false;
                    }
                    s++;
                    slen--;
                    break;
            }
            p++;
            plen--;
            if (slen == 0) {
                while (at(p) == '*') {
                    p++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }
}
