package kvstore.compat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One reply read off the wire, kept as its exact bytes plus its structure: the type byte and, for
 * aggregates, the child replies. Comparing raw bytes is the differential suite's default; the
 * structure serves the order-insensitive and shape-only comparisons.
 */
public final class RespValue {
    private final byte type;
    private final byte[] raw;
    private final List<RespValue> children;
    private final long length;

    private RespValue(byte type, byte[] raw, List<RespValue> children, long length) {
        this.type = type;
        this.raw = raw;
        this.children = children;
        this.length = length;
    }

    public byte type() {
        return type;
    }

    public byte[] raw() {
        return raw;
    }

    public List<RespValue> children() {
        return children;
    }

    /** Declared element count of an aggregate (-1 for null), byte length of a bulk. */
    public long length() {
        return length;
    }

    /** The payload of a bulk, simple or verbatim string, as text. */
    public String text() {
        String s = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        int firstLf = s.indexOf("\r\n");
        if (type == '$' || type == '=' || type == '!') {
            return s.substring(firstLf + 2, s.length() - 2);
        }
        return s.substring(1, firstLf);
    }

    /** Reads one complete reply; throws EOFException if the stream ends first. */
    public static RespValue read(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        return read(in, raw);
    }

    private static RespValue read(InputStream in, ByteArrayOutputStream parentRaw) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String line = readLine(in, raw);
        byte type = (byte) line.charAt(0);
        String rest = line.substring(1);
        List<RespValue> children = List.of();
        long length = 0;
        switch (type) {
            case '$', '=', '!' -> {
                length = Long.parseLong(rest);
                if (length >= 0) {
                    byte[] body = in.readNBytes((int) length + 2);
                    if (body.length < length + 2) {
                        throw new EOFException("truncated bulk");
                    }
                    raw.write(body);
                }
            }
            case '*', '~', '>', '%', '|' -> {
                length = Long.parseLong(rest);
                long n = type == '%' || type == '|' ? length * 2 : length;
                List<RespValue> items = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    items.add(read(in, raw));
                }
                children = items;
                if (type == '|') {
                    RespValue actual = read(in, raw);
                    parentRaw.write(raw.toByteArray());
                    return actual;
                }
            }
            case '+', '-', ':', ',', '#', '_', '(' -> {
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
        byte[] bytes = raw.toByteArray();
        parentRaw.write(bytes);
        return new RespValue(type, bytes, children, length);
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            raw.write(c);
            if (prev == '\r' && c == '\n') {
                sb.setLength(sb.length() - 1);
                return sb.toString();
            }
            sb.append((char) c);
            prev = c;
        }
    }

    /** The reply as readable text with control and non-ASCII bytes escaped. */
    public static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c < 32 || c >= 127) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return escape(raw);
    }
}
