package kvstore.resp;

import io.netty.buffer.ByteBuf;

/**
 * A floating-point reply: RESP3 ",text\r\n", RESP2 a bulk string of the same text. The text is
 * formatted as Redis 7.0 formats doubles ("%.17g", "inf", "-inf", "nan").
 */
public final class DoubleReply extends Reply {
    private final byte[] text;

    public DoubleReply(double value) {
        this.text = Resp.ascii(DoubleFormat.g17(value));
    }

    @Override
    public void write(ByteBuf out, int proto) {
        if (proto == RESP3) {
            out.writeByte(',');
            out.writeBytes(text);
            out.writeShort(0x0d0a);
        } else {
            Resp.writeBulk(out, text);
        }
    }
}
