package kvstore.resp;

import io.netty.buffer.ByteBuf;

/** ":n\r\n". Small values are shared. */
public final class IntegerReply extends Reply {
    private static final IntegerReply[] CACHE = new IntegerReply[1025];

    static {
        for (int i = 0; i < CACHE.length; i++) {
            CACHE[i] = new IntegerReply(i - 1);
        }
    }

    public static final IntegerReply ZERO = of(0);
    public static final IntegerReply ONE = of(1);
    public static final IntegerReply MINUS_ONE = of(-1);
    public static final IntegerReply MINUS_TWO = new IntegerReply(-2);

    private final long value;

    private IntegerReply(long value) {
        this.value = value;
    }

    public static IntegerReply of(long value) {
        return value >= -1 && value < CACHE.length - 1 ? CACHE[(int) value + 1] : new IntegerReply(value);
    }

    public long value() {
        return value;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        Resp.writeHeader(out, (byte) ':', value);
    }
}
