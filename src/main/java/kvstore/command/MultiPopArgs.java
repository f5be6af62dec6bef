package kvstore.command;

import kvstore.keyspace.ReplyException;
import kvstore.resp.ErrorReply;

/**
 * The "numkeys key [key ...] WHERE [COUNT count]" arguments of LMPOP, ZMPOP and their blocking forms,
 * checked in Redis's order with its errors: keys are {@code a[firstKey..endKey)}, {@code second} is
 * true for the second WHERE word (RIGHT, MAX), {@code count} is 1 when not given.
 */
record MultiPopArgs(int firstKey, int endKey, boolean second, long count) {

    /** Parses from {@code a[numkeysAt]}; the WHERE word is {@code first} or {@code second}. */
    static MultiPopArgs parse(byte[][] a, int numkeysAt, String first, String second) {
        long numkeys = Args.parseLong(a[numkeysAt]);
        if (numkeys == Args.INVALID || numkeys < 1) {
            throw new ReplyException("ERR numkeys should be greater than 0");
        }
        if (numkeys >= a.length - numkeysAt - 1) {
            throw new ReplyException(ErrorReply.SYNTAX.text());
        }
        int whereAt = numkeysAt + (int) numkeys + 1;
        boolean isSecond;
        if (Args.is(a[whereAt], first)) {
            isSecond = false;
        } else if (Args.is(a[whereAt], second)) {
            isSecond = true;
        } else {
            throw new ReplyException(ErrorReply.SYNTAX.text());
        }
        long count = -1;
        for (int j = whereAt + 1; j < a.length; j++) {
            if (count == -1 && Args.is(a[j], "count") && j < a.length - 1) {
                j++;
                long c = Args.parseLong(a[j]);
                if (c == Args.INVALID || c < 1) {
                    throw new ReplyException("ERR count should be greater than 0");
                }
                count = c;
            } else {
                throw new ReplyException(ErrorReply.SYNTAX.text());
            }
        }
        return new MultiPopArgs(numkeysAt + 1, whereAt, isSecond, count == -1 ? 1 : count);
    }
}
