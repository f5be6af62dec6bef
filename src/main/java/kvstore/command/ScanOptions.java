package kvstore.command;

import kvstore.keyspace.ReplyException;
import kvstore.resp.ErrorReply;

/**
 * The options after a SCAN-family cursor, parsed as Redis's scanGenericCommand does: COUNT (at least
 * 1), MATCH (a match-all pattern is dropped) and, for SCAN only, TYPE. A bad option is answered with
 * Redis's error.
 */
record ScanOptions(long count, GlobPattern match, byte[] type) {

    /** Parses {@code a[from..]}; {@code typeAllowed} for the keyspace SCAN. */
    static ScanOptions parse(byte[][] a, int from, boolean typeAllowed) {
        long count = 10;
        GlobPattern match = null;
        byte[] type = null;
        for (int i = from; i < a.length; i += 2) {
            if (i + 1 >= a.length) {
                throw new ReplyException(ErrorReply.SYNTAX.text());
            }
            if (Args.is(a[i], "count")) {
                try {
                    count = Args.longValue(a[i + 1]);
                } catch (NumberFormatException e) {
                    throw new ReplyException(ErrorReply.NOT_INTEGER.text());
                }
                if (count < 1) {
                    throw new ReplyException(ErrorReply.SYNTAX.text());
                }
            } else if (Args.is(a[i], "match")) {
                GlobPattern p = new GlobPattern(a[i + 1]);
                match = p.matchesAll() ? null : p;
            } else if (typeAllowed && Args.is(a[i], "type")) {
                type = a[i + 1];
            } else {
                throw new ReplyException(ErrorReply.SYNTAX.text());
            }
        }
        return new ScanOptions(count, match, type);
    }
}
