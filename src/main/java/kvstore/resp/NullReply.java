package kvstore.resp;

import io.netty.buffer.ByteBuf;

/**
 * The absent value. RESP3 has one null ("_\r\n"); RESP2 has a null bulk string ("$-1\r\n") and a
 * null array ("*-1\r\n"), and Redis uses each in different places, so both flavours exist.
 */
public final class NullReply extends Reply {
    public static final NullReply BULK = new NullReply(Resp.ascii("$-1\r\n"));
    public static final NullReply ARRAY = new NullReply(Resp.ascii("*-1\r\n"));

    private static final byte[] RESP3_NULL = Resp.ascii("_\r\n");

    private final byte[] resp2;

    private NullReply(byte[] resp2) {
        this.resp2 = resp2;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        out.writeBytes(proto == RESP3 ? RESP3_NULL : resp2);
    }
}
