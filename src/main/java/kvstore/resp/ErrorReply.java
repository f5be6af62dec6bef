package kvstore.resp;

import io.netty.buffer.ByteBuf;

/**
 * An error reply: "-ERR message\r\n". The text starts with the error code (ERR, WRONGTYPE, NOAUTH,
 * ...). Newlines in the message are replaced by spaces, as Redis does, so the reply stays one line.
 */
public final class ErrorReply extends Reply {
    public static final ErrorReply SYNTAX = new ErrorReply("ERR syntax error");
    public static final ErrorReply NOT_INTEGER = new ErrorReply("ERR value is not an integer or out of range");
    public static final ErrorReply NOT_FLOAT = new ErrorReply("ERR value is not a valid float");
    public static final ErrorReply WRONGTYPE =
            new ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value");
    public static final ErrorReply NO_SUCH_KEY = new ErrorReply("ERR no such key");
    public static final ErrorReply NOAUTH = new ErrorReply("NOAUTH Authentication required.");
    public static final ErrorReply DB_INDEX = new ErrorReply("ERR DB index is out of range");

    private final String text;
    private final byte[] encoded;

    public ErrorReply(String text) {
        this.text = text.replace('\r', ' ').replace('\n', ' ');
        this.encoded = Resp.latin1("-" + this.text + "\r\n");
    }

    /** "ERR " + message. */
    public static ErrorReply err(String message) {
        return new ErrorReply("ERR " + message);
    }

    public String text() {
        return text;
    }

    @Override
    public boolean isError() {
        return true;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        out.writeBytes(encoded);
    }

    @Override
    public String toString() {
        return "-" + text;
    }
}
