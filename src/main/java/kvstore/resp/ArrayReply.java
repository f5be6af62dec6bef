package kvstore.resp;

import io.netty.buffer.ByteBuf;

import java.util.AbstractList;
import java.util.List;

/**
 * An aggregate of replies. Its kind decides the RESP3 type: array ("*"), set ("~"), map ("%", with
 * key and value alternating, counted as pairs) or push ("&gt;"). In RESP2 every kind is a flat array.
 */
public final class ArrayReply extends Reply {
    public enum Kind {
        ARRAY('*'), SET('~'), MAP('%'), PUSH('>');

        final byte prefix;

        Kind(char prefix) {
            this.prefix = (byte) prefix;
        }
    }

    public static final ArrayReply EMPTY = new ArrayReply(Kind.ARRAY, List.of());
    public static final ArrayReply EMPTY_SET = new ArrayReply(Kind.SET, List.of());
    public static final ArrayReply EMPTY_MAP = new ArrayReply(Kind.MAP, List.of());

    /**
     * Bytes an item takes at least ("$1\r\nx\r\n" is 7, ":1\r\n" 4): room for that many is made once
     * up front, so that a long reply does not outgrow its buffer, and get copied, a step at a time.
     */
    private static final int ITEM_BYTES_HINT = 8;

    private final Kind kind;
    private final List<? extends Reply> items;

    public ArrayReply(Kind kind, List<? extends Reply> items) {
        if (kind == Kind.MAP && items.size() % 2 != 0) {
            throw new IllegalArgumentException("a map needs key/value pairs");
        }
        this.kind = kind;
        this.items = items;
    }

    public static ArrayReply of(List<? extends Reply> items) {
        return new ArrayReply(Kind.ARRAY, items);
    }

    /** An array of bulk strings, written straight from the arrays (an LRANGE reply holds hundreds). */
    public static ArrayReply ofBulks(List<byte[]> values) {
        return new ArrayReply(Kind.ARRAY, new Bulks(values));
    }

    /** The items of {@link #ofBulks}: a view that makes a {@link BulkReply} only when one is asked for. */
    private static final class Bulks extends AbstractList<BulkReply> {
        final List<byte[]> values;

        Bulks(List<byte[]> values) {
            this.values = values;
        }

        @Override
        public BulkReply get(int i) {
            return new BulkReply(values.get(i));
        }

        @Override
        public int size() {
            return values.size();
        }
    }

    public static ArrayReply of(Reply... items) {
        return new ArrayReply(Kind.ARRAY, List.of(items));
    }

    public static ArrayReply map(List<? extends Reply> keysAndValues) {
        return new ArrayReply(Kind.MAP, keysAndValues);
    }

    public static ArrayReply set(List<? extends Reply> items) {
        return new ArrayReply(Kind.SET, items);
    }

    public static ArrayReply push(List<? extends Reply> items) {
        return new ArrayReply(Kind.PUSH, items);
    }

    public Kind kind() {
        return kind;
    }

    public List<? extends Reply> items() {
        return items;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        out.ensureWritable(16 + items.size() * ITEM_BYTES_HINT);
        if (proto == RESP3) {
            Resp.writeHeader(out, kind.prefix, kind == Kind.MAP ? items.size() / 2 : items.size());
        } else {
            Resp.writeHeader(out, (byte) '*', items.size());
        }
        if (items instanceof Bulks bulks) {
            Resp.writeBulks(out, bulks.values);
            return;
        }
        for (int i = 0, n = items.size(); i < n; i++) {
            items.get(i).write(out, proto);
        }
    }
}
