package kvstore.command;

/**
 * A start/end pair of Redis index arguments (negative ones count from the end) resolved against a
 * length, as LRANGE, LTRIM, ZRANGE and ZREMRANGEBYRANK do: both ends inclusive and within the length.
 */
record IndexRange(long start, long end) {

    /** The start and end arguments as numbers; a non-integer is answered as Redis does. */
    static long[] parse(byte[] start, byte[] end) {
        try {
            return new long[] {Args.longValue(start), Args.longValue(end)};
        } catch (NumberFormatException e) {
            throw new kvstore.keyspace.ReplyException(kvstore.resp.ErrorReply.NOT_INTEGER.text());
        }
    }

    /** The range {@code start..end} selects in a sequence of {@code length}, or null if it selects nothing. */
    static IndexRange of(long start, long end, long length) {
        if (start < 0) {
            start = length + start;
        }
        if (end < 0) {
            end = length + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= length) {
            return null;
        }
        return new IndexRange(start, Math.min(end, length - 1));
    }
}
