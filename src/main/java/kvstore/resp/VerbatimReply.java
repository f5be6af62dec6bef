package kvstore.resp;

import io.netty.buffer.ByteBuf;

/** RESP3 "=len\r\ntxt:text\r\n" (a three-letter format and a colon); RESP2 a bulk string of the text. */
public final class VerbatimReply extends Reply {
    private final String format;
    private final byte[] text;

    public VerbatimReply(String format, String text) {
        this.format = format;
        this.text = Resp.utf8(text);
    }

    public static VerbatimReply text(String text) {
        return new VerbatimReply("txt", text);
    }

    @Override
    public void write(ByteBuf out, int proto) {
        if (proto == RESP3) {
            Resp.writeHeader(out, (byte) '=', text.length + 4);
            out.writeBytes(Resp.ascii(format));
            out.writeByte(':');
            out.writeBytes(text);
            out.writeShort(0x0d0a);
        } else {
            Resp.writeBulk(out, text);
        }
    }
}
