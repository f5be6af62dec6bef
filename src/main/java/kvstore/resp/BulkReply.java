package kvstore.resp;

import io.netty.buffer.ByteBuf;

/** "$len\r\nbytes\r\n". The array is not copied; callers must not change it afterwards. */
public final class BulkReply extends Reply {
    public static final BulkReply EMPTY = new BulkReply(new byte[0]);

    private final byte[] value;

    public BulkReply(byte[] value) {
        this.value = value;
    }

    public static BulkReply of(String s) {
        return new BulkReply(Resp.utf8(s));
    }

    public static BulkReply of(long n) {
        return new BulkReply(Resp.ascii(Long.toString(n)));
    }

    public byte[] value() {
        return value;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        Resp.writeBulk(out, value);
    }
}
