package kvstore.config;

/** Redis's stringmatchlen: glob matching with *, ?, [...] (ranges, ^ negation) and \ escapes. */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(String pattern, String s, boolean nocase) {
        return match(pattern, 0, s, 0, nocase, 0);
    }

    private static boolean match(String p, int pi, String s, int si, boolean nocase, int depth) {
        if (depth > 1000) {
            return false;
        }
        int plen = p.length();
        int slen = s.length();
        while (pi < plen && si <= slen) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi + 1 < plen && p.charAt(pi + 1) == '*') {
                        pi++;
                    }
                    if (pi + 1 == plen) {
                        return true;
                    }
                    for (int k = si; k <= slen; k++) {
                        if (match(p, pi + 1, s, k, nocase, depth + 1)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= slen) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= slen) {
                        return false;
                    }
                    pi++;
                    boolean not = pi < plen && p.charAt(pi) == '^';
                    if (not) {
                        pi++;
                    }
                    boolean hit = false;
                    char sc = s.charAt(si);
                    while (true) {
                        if (pi >= plen) {
                            pi--;
                            break;
                        }
                        char pc = p.charAt(pi);
                        if (pc == '\\' && pi + 1 < plen) {
                            pi++;
                            if (eq(p.charAt(pi), sc, nocase)) {
                                hit = true;
                            }
                        } else if (pc == ']') {
                            break;
                        } else if (pi + 2 < plen && p.charAt(pi + 1) == '-') {
                            char start = p.charAt(pi);
                            char end = p.charAt(pi + 2);
                            char x = sc;
                            if (start > end) {
                                char t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = Character.toLowerCase(start);
                                end = Character.toLowerCase(end);
                                x = Character.toLowerCase(x);
                            }
                            pi += 2;
                            if (x >= start && x <= end) {
                                hit = true;
                            }
                        } else if (eq(pc, sc, nocase)) {
                            hit = true;
                        }
                        pi++;
                    }
                    if (not) {
                        hit = !hit;
                    }
                    if (!hit) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < plen) {
                        pi++;
                    }
                    if (si >= slen || !eq(p.charAt(pi), s.charAt(si), nocase)) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (si >= slen || !eq(c, s.charAt(si), nocase)) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
            if (si == slen) {
                while (pi < plen && p.charAt(pi) == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == plen && si == slen;
    }

    private static boolean eq(char a, char b, boolean nocase) {
        return nocase ? Character.toLowerCase(a) == Character.toLowerCase(b) : a == b;
    }
}
