package kvstore.resp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Low-level RESP writing helpers shared by the reply types. */
public final class Resp {
    static final byte[] CRLF = {'\r', '\n'};
    private static final byte[][] SMALL = new byte[1024][];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private Resp() {
    }

    /** Writes {@code prefix}, the decimal {@code n}, and CRLF: "$5\r\n", ":42\r\n", "*3\r\n". */
    public static void writeHeader(ByteBuf out, byte prefix, long n) {
        out.writeByte(prefix);
        writeDecimal(out, n);
        out.writeShort(0x0d0a);
    }

    public static void writeDecimal(ByteBuf out, long n) {
        if (n >= 0 && n < SMALL.length) {
            out.writeBytes(SMALL[(int) n]);
        } else {
            out.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
        }
    }

    public static void writeBulk(ByteBuf out, byte[] value) {
        writeHeader(out, (byte) '$', value.length);
        out.writeBytes(value);
        out.writeShort(0x0d0a);
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Bytes of a "byte string": commands hold binary arguments in Strings one char per byte
     * (ISO-8859-1), so converting back this way restores the exact bytes.
     */
    public static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The byte string of {@code b}, one char per byte; see {@link #latin1}. */
    public static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
