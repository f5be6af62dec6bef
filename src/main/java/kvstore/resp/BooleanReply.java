package kvstore.resp;

import io.netty.buffer.ByteBuf;

/** RESP3 "#t" / "#f"; RESP2 ":1" / ":0". */
public final class BooleanReply extends Reply {
    public static final BooleanReply TRUE = new BooleanReply(true);
    public static final BooleanReply FALSE = new BooleanReply(false);

    private static final byte[] T3 = Resp.ascii("#t\r\n");
    private static final byte[] F3 = Resp.ascii("#f\r\n");
    private static final byte[] T2 = Resp.ascii(":1\r\n");
    private static final byte[] F2 = Resp.ascii(":0\r\n");

    private final boolean value;

    private BooleanReply(boolean value) {
        this.value = value;
    }

    public static BooleanReply of(boolean value) {
        return value ? TRUE : FALSE;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        out.writeBytes(proto == RESP3 ? (value ? T3 : F3) : (value ? T2 : F2));
    }
}
