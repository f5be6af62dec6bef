package kvstore.resp;

import io.netty.buffer.ByteBuf;

/** A status reply: "+OK\r\n". Must not contain CR or LF. */
public final class SimpleReply extends Reply {
    public static final SimpleReply OK = new SimpleReply("OK");
    public static final SimpleReply PONG = new SimpleReply("PONG");
    public static final SimpleReply QUEUED = new SimpleReply("QUEUED");

    private final byte[] encoded;
    private final String text;

    public SimpleReply(String text) {
        this.text = text;
        this.encoded = Resp.latin1("+" + text + "\r\n");
    }

    public String text() {
        return text;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        out.writeBytes(encoded);
    }
}
