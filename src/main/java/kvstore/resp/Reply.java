package kvstore.resp;

import io.netty.buffer.ByteBuf;

/**
 * A reply value, built by a command and written to a connection in the protocol that connection
 * speaks: RESP2, or RESP3 after HELLO 3. Each type writes itself exactly as Redis 7 writes it in each
 * protocol. Replies are immutable and may be shared between connections.
 */
public abstract class Reply {
    public static final int RESP2 = 2;
    public static final int RESP3 = 3;

    /** No reply at all: the connection closes instead (SHUTDOWN), or the reply comes later. */
    public static final Reply NONE = new Reply() {
        @Override
        public void write(ByteBuf out, int proto) {
        }
    };

    /** Appends the encoding of this reply for protocol {@code proto} (2 or 3) to {@code out}. */
    public abstract void write(ByteBuf out, int proto);

    /** True for error replies; the server counts them and MULTI (later) needs to know. */
    public boolean isError() {
        return false;
    }
}
