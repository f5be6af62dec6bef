package kvstore.resp;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;
import java.util.List;

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

    /** Values up to this size are copied out together with their header, in one buffer write. */
    private static final int INLINE = 512;
    /** Longest header: a prefix, a sign and 19 digits, CRLF. */
    private static final int HEADER_MAX = 23;
    /**
     * Per thread, where headers and small values are put together before they go to the buffer in
     * one write: every ByteBuf write checks the buffer's state and capacity, and a reply of many
     * small elements (LRANGE, HGETALL) otherwise pays that several times per element.
     */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[8192];
        }
    };

    /** Writes {@code prefix}, the decimal {@code n}, and CRLF: "$5\r\n", ":42\r\n", "*3\r\n". */
    public static void writeHeader(ByteBuf out, byte prefix, long n) {
        byte[] b = SCRATCH.get();
        out.writeBytes(b, 0, header(b, 0, prefix, n));
    }

    /** Puts the header into {@code b} at {@code at}; returns where it ends. */
    private static int header(byte[] b, int at, byte prefix, long n) {
        b[at] = prefix;
        byte[] digits = n >= 0 && n < SMALL.length ? SMALL[(int) n] : ascii(Long.toString(n));
        System.arraycopy(digits, 0, b, at + 1, digits.length);
        int p = at + 1 + digits.length;
        b[p] = '\r';
        b[p + 1] = '\n';
        return p + 2;
    }

    public static void writeDecimal(ByteBuf out, long n) {
        if (n >= 0 && n < SMALL.length) {
            out.writeBytes(SMALL[(int) n]);
        } else {
            out.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
        }
    }

    public static void writeBulk(ByteBuf out, byte[] value) {
        byte[] b = SCRATCH.get();
        int p = header(b, 0, (byte) '$', value.length);
        if (value.length > INLINE) {
            out.writeBytes(b, 0, p);
            out.writeBytes(value);
            out.writeShort(0x0d0a);
            return;
        }
        out.writeBytes(b, 0, bulkBody(b, p, value));
    }

    /** Writes each value as a bulk string, many small ones at a time in one buffer write. */
    public static void writeBulks(ByteBuf out, List<byte[]> values) {
        byte[] b = SCRATCH.get();
        int p = 0;
        for (int i = 0, n = values.size(); i < n; i++) {
            byte[] v = values.get(i);
            if (v.length > INLINE) {
                out.writeBytes(b, 0, p);
                p = 0;
                writeBulk(out, v);
                continue;
            }
            if (p + HEADER_MAX + v.length + 2 > b.length) {
                out.writeBytes(b, 0, p);
                p = 0;
            }
            p = bulkBody(b, header(b, p, (byte) '$', v.length), v);
        }
        out.writeBytes(b, 0, p);
    }

    /** Puts {@code value} and CRLF into {@code b} at {@code at}, after its header; returns where they end. */
    private static int bulkBody(byte[] b, int at, byte[] value) {
        System.arraycopy(value, 0, b, at, value.length);
        int p = at + value.length;
        b[p] = '\r';
        b[p + 1] = '\n';
        return p + 2;
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
