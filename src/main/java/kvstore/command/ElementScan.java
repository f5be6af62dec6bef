package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * HSCAN-style iteration over a collection whose elements are {@link HashedElement}s, following Redis's
 * scanGenericCommand: the cursor is parsed first, then the key is looked up, then COUNT and MATCH.
 *
 * <p>A collection still in its compact encoding is returned whole in one call with cursor 0, whatever
 * the cursor given, as Redis does for listpacks and intsets. A larger one is walked in hash order: the cursor is the 32-bit hash
 * position to resume at, and a call stops only between two positions, so every element present for
 * the whole walk is returned at least once however the collection changes in between.
 */
final class ElementScan {
    private static final ErrorReply INVALID_CURSOR = ErrorReply.err("invalid cursor");
    private static final Reply EMPTY_SCAN = ArrayReply.of(BulkReply.of(0), ArrayReply.EMPTY);
    private static final long POSITIONS = 1L << 32;

    /** Adds the reply items of one element (e.g. field and value) unless the filter rejects it. */
    interface Emitter {
        void emit(byte[] member, byte[] value, List<Reply> out);
    }

    /** Opens the collection at {@code key}: the type's counted read lookup (null if absent). */
    interface Opener {
        ElementRange open(byte[] key);
    }

    /** Replies a compact collection whole, in the order its Redis encoding keeps it. */
    interface CompactScan {
        void addAll(GlobPattern match, List<Reply> out);
    }

    private ElementScan() {
    }

    /** argv: NAME key cursor [MATCH pattern] [COUNT count]. */
    static Reply scan(byte[][] a, Opener opener, Emitter emitter) {
        return scan(a, opener, emitter, null);
    }

    /**
     * As {@link #scan(byte[][], Opener, Emitter)}; a compact collection is replied by {@code compact}
     * when given (an intset is sorted, a small sorted set in score order), else in element order.
     */
    static Reply scan(byte[][] a, Opener opener, Emitter emitter, java.util.function.Function<ElementRange, CompactScan> compact) {
        long cursor = ScanCursor.parse(a[2], POSITIONS);
        if (cursor == ScanCursor.INVALID) {
            return INVALID_CURSOR;
        }
        ElementRange ck = opener.open(a[1]);
        if (ck == null) {
            return EMPTY_SCAN;
        }
        ScanOptions options = ScanOptions.parse(a, 3, false);
        long count = options.count();
        GlobPattern pattern = options.match();
        // a compact collection comes back whole whatever the cursor, as Redis's listpack scan
        boolean whole = ck.compact();
        if (whole && compact != null) {
            List<Reply> out = new ArrayList<>();
            compact.apply(ck).addAll(pattern, out);
            return ArrayReply.of(BulkReply.of(0), ArrayReply.of(out));
        }
        if (whole) {
            cursor = 0;
        } else if (cursor == ScanCursor.BEYOND) {
            return EMPTY_SCAN;
        }
        long limit = whole ? Long.MAX_VALUE : count;
        GlobPattern match = pattern;
        List<Reply> out = new ArrayList<>();
        long[] next = {0};
        long[] seen = {0};
        long[] last = {-1};
        ck.forEach(cursor == 0 ? null : HashedElement.at(cursor), null, (element, value) -> {
            long position = HashedElement.position(element);
            if (seen[0] >= limit && position != last[0]) {
                next[0] = position;
                return false;
            }
            seen[0]++;
            last[0] = position;
            byte[] member = HashedElement.member(element);
            if (match == null || match.matches(member)) {
                emitter.emit(member, value, out);
            }
            return true;
        });
        return ArrayReply.of(BulkReply.of(next[0]), ArrayReply.of(out));
    }
}
