package kvstore.command;

import kvstore.keyspace.ValueType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The DUMP payload format of Redis 7.0 (rdb.c, cluster.c createDumpPayload): one RDB-encoded value,
 * then the RDB version (2 bytes, little-endian, 10) and a CRC-64 (Jones, reflected; little-endian)
 * of everything before it.
 *
 * <p>Written with the plain RDB types every Redis since 2.x reads back: STRING (0), LIST (1), SET (2),
 * ZSET_2 (5, binary doubles) and HASH (4), each a length then raw strings. Read: those, plus what Redis
 * 7.0 itself writes for small and big values: strings with integer or LZF encodings, quicklists of
 * listpacks or ziplists, ziplists, intsets and listpacks for lists, sets, sorted sets and hashes, and
 * the old ZSET (3) with text scores. Streams and modules are refused.
 */
final class RdbPayload {
    static final int RDB_VERSION = 10;
    private static final int TYPE_STRING = 0;
    private static final int TYPE_LIST = 1;
    private static final int TYPE_SET = 2;
    private static final int TYPE_ZSET = 3;
    private static final int TYPE_HASH = 4;
    private static final int TYPE_ZSET_2 = 5;
    private static final int TYPE_HASH_ZIPMAP = 9;
    private static final int TYPE_LIST_ZIPLIST = 10;
    private static final int TYPE_SET_INTSET = 11;
    private static final int TYPE_ZSET_ZIPLIST = 12;
    private static final int TYPE_HASH_ZIPLIST = 13;
    private static final int TYPE_LIST_QUICKLIST = 14;
    private static final int TYPE_HASH_LISTPACK = 16;
    private static final int TYPE_ZSET_LISTPACK = 17;
    private static final int TYPE_LIST_QUICKLIST_2 = 18;

    /** A decoded value: a string's bytes, or a collection's items (list elements, set members, hash field/value and sorted set member/score pairs as consecutive items). */
    record Value(ValueType type, byte[] string, List<byte[]> items) {
    }

    /** Thrown for a payload Redis would refuse ("Bad data format"). */
    static final class BadFormat extends RuntimeException {
        BadFormat(String why) {
            super(why, null, false, false);
        }
    }

    private RdbPayload() {
    }

    // ---- writing

    static byte[] dump(Value v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (v.type()) {
            case STRING -> {
                out.write(TYPE_STRING);
                writeString(out, v.string());
            }
            case LIST, SET -> {
                out.write(v.type() == ValueType.LIST ? TYPE_LIST : TYPE_SET);
                writeLength(out, v.items().size());
                v.items().forEach(i -> writeString(out, i));
            }
            case HASH -> {
                out.write(TYPE_HASH);
                writeLength(out, v.items().size() / 2);
                v.items().forEach(i -> writeString(out, i));
            }
            case ZSET -> {
                out.write(TYPE_ZSET_2);
                writeLength(out, v.items().size() / 2);
                for (int i = 0; i < v.items().size(); i += 2) {
                    writeString(out, v.items().get(i));
                    long bits = Double.doubleToLongBits(Double.parseDouble(
                            new String(v.items().get(i + 1), StandardCharsets.ISO_8859_1)));
                    for (int b = 0; b < 8; b++) {
                        out.write((int) (bits >>> (8 * b)));
                    }
                }
            }
            default -> throw new IllegalArgumentException("no RDB form for " + v.type());
        }
        out.write(RDB_VERSION);
        out.write(0);
        long crc = Crc64.of(out.toByteArray());
        for (int b = 0; b < 8; b++) {
            out.write((int) (crc >>> (8 * b)));
        }
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, long len) {
        if (len < (1 << 6)) {
            out.write((int) len);
        } else if (len < (1 << 14)) {
            out.write((int) ((len >> 8) | 0x40));
            out.write((int) len);
        } else if (len <= 0xffffffffL) {
            out.write(0x80);
            for (int s = 24; s >= 0; s -= 8) {
                out.write((int) (len >>> s));
            }
        } else {
            out.write(0x81);
            for (int s = 56; s >= 0; s -= 8) {
                out.write((int) (len >>> s));
            }
        }
    }

    private static void writeString(ByteArrayOutputStream out, byte[] s) {
        writeLength(out, s.length);
        out.write(s, 0, s.length);
    }

    // ---- reading

    /** True if the footer's version is one Redis 7.0 reads and the checksum matches. */
    static boolean verify(byte[] p) {
        if (p.length < 10) {
            return false;
        }
        int version = (p[p.length - 10] & 0xff) | (p[p.length - 9] & 0xff) << 8;
        if (version > RDB_VERSION) {
            return false;
        }
        long crc = 0;
        for (int b = 7; b >= 0; b--) {
            crc = (crc << 8) | (p[p.length - 8 + b] & 0xff);
        }
        return Crc64.of(java.util.Arrays.copyOf(p, p.length - 8)) == crc;
    }

    /** The value of a verified payload; throws {@link BadFormat}. */
    static Value restore(byte[] p) {
        Reader r = new Reader(p, p.length - 10);
        int type = r.u8();
        Value v = switch (type) {
            case TYPE_STRING -> new Value(ValueType.STRING, r.string(), null);
            case TYPE_LIST -> new Value(ValueType.LIST, null, r.strings(r.length()));
            case TYPE_SET -> new Value(ValueType.SET, null, r.strings(r.length()));
            case TYPE_HASH -> new Value(ValueType.HASH, null, r.strings(r.length() * 2));
            case TYPE_ZSET, TYPE_ZSET_2 -> {
                long n = r.length();
                List<byte[]> items = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    items.add(r.string());
                    items.add(score(type == TYPE_ZSET ? r.textDouble() : r.binaryDouble()));
                }
                yield new Value(ValueType.ZSET, null, items);
            }
            case TYPE_SET_INTSET -> new Value(ValueType.SET, null, intset(r.string()));
            case TYPE_LIST_ZIPLIST -> new Value(ValueType.LIST, null, ziplist(r.string()));
            case TYPE_ZSET_ZIPLIST -> new Value(ValueType.ZSET, null, ziplist(r.string()));
            case TYPE_HASH_ZIPLIST -> new Value(ValueType.HASH, null, ziplist(r.string()));
            case TYPE_HASH_LISTPACK -> new Value(ValueType.HASH, null, listpack(r.string()));
            case TYPE_ZSET_LISTPACK -> new Value(ValueType.ZSET, null, listpack(r.string()));
            case TYPE_LIST_QUICKLIST, TYPE_LIST_QUICKLIST_2 -> {
                long nodes = r.length();
                List<byte[]> items = new ArrayList<>();
                for (long i = 0; i < nodes; i++) {
                    long container = type == TYPE_LIST_QUICKLIST_2 ? r.length() : 2;
                    byte[] node = r.string();
                    if (container == 1) {
                        items.add(node); // a plain node: one big element
                    } else if (container == 2) {
                        items.addAll(type == TYPE_LIST_QUICKLIST_2 ? listpack(node) : ziplist(node));
                    } else {
                        throw new BadFormat("quicklist container " + container);
                    }
                }
                yield new Value(ValueType.LIST, null, items);
            }
            case TYPE_HASH_ZIPMAP -> throw new BadFormat("zipmap hashes (Redis 2.x) are not read");
            default -> throw new BadFormat("RDB type " + type);
        };
        if (r.pos != r.end) {
            throw new BadFormat("trailing bytes");
        }
        if (v.type() == ValueType.ZSET && type != TYPE_ZSET && type != TYPE_ZSET_2) {
            // ziplist and listpack sorted sets hold scores as numbers or text: normalise them
            for (int i = 1; i < v.items().size(); i += 2) {
                v.items().set(i, score(parseScore(v.items().get(i))));
            }
        }
        return v;
    }

    private static byte[] score(double d) {
        String s = Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf") : Double.toString(d);
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static double parseScore(byte[] b) {
        try {
            return ZScore.parseBound(b, 0);
        } catch (NumberFormatException e) {
            throw new BadFormat("bad score");
        }
    }

    /** Sequential reads over {@code buf[0, end)}. */
    private static final class Reader {
        final byte[] buf;
        final int end;
        int pos;

        Reader(byte[] buf, int end) {
            this.buf = buf;
            this.end = end;
        }

        int u8() {
            if (pos >= end) {
                throw new BadFormat("truncated");
            }
            return buf[pos++] & 0xff;
        }

        long be(int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | u8();
            }
            return v;
        }

        long le(int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v |= (long) u8() << (8 * i);
            }
            return v;
        }

        /** A length; -1 - encoding for the special string encodings (rdbLoadLenByRef). */
        long lengthOrEncoding() {
            int b = u8();
            return switch (b >> 6) {
                case 0 -> b & 0x3f;
                case 1 -> ((b & 0x3f) << 8) | u8();
                case 2 -> switch (b) {
                    case 0x80 -> be(4);
                    case 0x81 -> be(8);
                    default -> throw new BadFormat("length prefix " + b);
                };
                default -> -1 - (b & 0x3f);
            };
        }

        long length() {
            long n = lengthOrEncoding();
            if (n < 0 || n > end) {
                throw new BadFormat("bad length");
            }
            return n;
        }

        byte[] bytes(long n) {
            if (n < 0 || n > end - pos) {
                throw new BadFormat("truncated");
            }
            byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }

        byte[] string() {
            long n = lengthOrEncoding();
            if (n >= 0) {
                return bytes(n);
            }
            long v;
            switch ((int) (-1 - n)) {
                case 0 -> v = (byte) u8();
                case 1 -> v = (short) le(2);
                case 2 -> v = (int) le(4);
                case 3 -> {
                    long clen = length();
                    long len = lengthOrEncoding(); // uncompressed: may well exceed the payload
                    if (len < 0 || len > Integer.MAX_VALUE - 16) {
                        throw new BadFormat("lzf length");
                    }
                    return Lzf.decompress(bytes(clen), (int) len);
                }
                default -> throw new BadFormat("string encoding");
            }
            return Long.toString(v).getBytes(StandardCharsets.ISO_8859_1);
        }

        List<byte[]> strings(long n) {
            List<byte[]> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(string());
            }
            return out;
        }

        double binaryDouble() {
            return Double.longBitsToDouble(le(8));
        }

        /** The old ZSET's score: a length byte, 253 NaN, 254 +inf, 255 -inf, else that many text bytes. */
        double textDouble() {
            int len = u8();
            return switch (len) {
                case 253 -> throw new BadFormat("NaN score");
                case 254 -> Double.POSITIVE_INFINITY;
                case 255 -> Double.NEGATIVE_INFINITY;
                default -> parseScore(bytes(len));
            };
        }
    }

    /** An intset: encoding (2, 4 or 8 bytes per integer), count, then the integers, all little-endian. */
    private static List<byte[]> intset(byte[] b) {
        Reader r = new Reader(b, b.length);
        int width = (int) r.le(4);
        long count = r.le(4);
        if ((width != 2 && width != 4 && width != 8) || count * width != b.length - 8) {
            throw new BadFormat("intset");
        }
        List<byte[]> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long v = r.le(width);
            v = width == 2 ? (short) v : width == 4 ? (int) v : v;
            out.add(Long.toString(v).getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** A listpack's entries as strings (integers in decimal): total bytes u32, count u16, entries, 0xFF. */
    static List<byte[]> listpack(byte[] b) {
        Reader r = new Reader(b, b.length);
        if (r.le(4) != b.length) {
            throw new BadFormat("listpack size");
        }
        r.le(2);
        List<byte[]> out = new ArrayList<>();
        while (true) {
            int start = r.pos;
            int e = r.u8();
            if (e == 0xff) {
                break;
            }
            byte[] v;
            if ((e & 0x80) == 0) {
                v = decimal(e & 0x7f);
            } else if ((e & 0xc0) == 0x80) {
                v = r.bytes(e & 0x3f);
            } else if ((e & 0xe0) == 0xc0) {
                long n = ((e & 0x1f) << 8) | r.u8();
                v = decimal(n >= 1 << 12 ? n - (1 << 13) : n);
            } else if ((e & 0xf0) == 0xe0) {
                v = r.bytes(((e & 0x0f) << 8) | r.u8());
            } else {
                v = switch (e) {
                    case 0xf0 -> r.bytes(r.le(4));
                    case 0xf1 -> decimal((short) r.le(2));
                    case 0xf2 -> decimal((r.le(3) << 40) >> 40);
                    case 0xf3 -> decimal((int) r.le(4));
                    case 0xf4 -> decimal(r.le(8));
                    default -> throw new BadFormat("listpack entry " + e);
                };
            }
            int size = r.pos - start;
            r.bytes(size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5); // backlen
            out.add(v);
        }
        return out;
    }

    /** A ziplist's entries: total bytes u32, tail offset u32, count u16, entries (prevlen, encoding, data), 0xFF. */
    static List<byte[]> ziplist(byte[] b) {
        Reader r = new Reader(b, b.length);
        if (r.le(4) != b.length) {
            throw new BadFormat("ziplist size");
        }
        r.le(4);
        r.le(2);
        List<byte[]> out = new ArrayList<>();
        while (true) {
            int prev = r.u8();
            if (prev == 0xff) {
                break;
            }
            if (prev == 0xfe) {
                r.le(4);
            }
            int e = r.u8();
            byte[] v;
            switch (e >> 6) {
                case 0 -> v = r.bytes(e & 0x3f);
                case 1 -> v = r.bytes(((e & 0x3f) << 8) | r.u8());
                case 2 -> v = r.bytes(r.be(4));
                default -> v = switch (e) {
                    case 0xc0 -> decimal((short) r.le(2));
                    case 0xd0 -> decimal((int) r.le(4));
                    case 0xe0 -> decimal(r.le(8));
                    case 0xf0 -> decimal((r.le(3) << 40) >> 40);
                    case 0xfe -> decimal((byte) r.u8());
                    default -> {
                        if (e >= 0xf1 && e <= 0xfd) {
                            yield decimal((e & 0x0f) - 1);
                        }
                        throw new BadFormat("ziplist entry " + e);
                    }
                };
            }
            out.add(v);
        }
        return out;
    }

    private static byte[] decimal(long v) {
        return Long.toString(v).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Redis's CRC-64 (Jones polynomial, reflected, initial value 0). */
    static final class Crc64 {
        private static final long[] TABLE = new long[256];

        static {
            long poly = 0x95ac9329ac4bc9b5L; // 0xad93d23594c935a9 reflected
            for (int i = 0; i < 256; i++) {
                long c = i;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ poly : c >>> 1;
                }
                TABLE[i] = c;
            }
        }

        private Crc64() {
        }

        static long of(byte[] b) {
            long crc = 0;
            for (byte x : b) {
                crc = TABLE[(int) ((crc ^ x) & 0xff)] ^ (crc >>> 8);
            }
            return crc;
        }
    }

    /** LZF decompression (liblzf's format, which RDB uses for long strings). */
    static final class Lzf {
        private Lzf() {
        }

        static byte[] decompress(byte[] in, int outLen) {
            byte[] out = new byte[outLen];
            int ip = 0;
            int op = 0;
            while (ip < in.length) {
                int ctrl = in[ip++] & 0xff;
                if (ctrl < 32) { // a literal run of ctrl + 1 bytes
                    int n = ctrl + 1;
                    if (op + n > outLen || ip + n > in.length) {
                        throw new BadFormat("lzf literal");
                    }
                    System.arraycopy(in, ip, out, op, n);
                    ip += n;
                    op += n;
                } else { // a back reference
                    int len = ctrl >> 5;
                    if (ip >= in.length) {
                        throw new BadFormat("lzf reference");
                    }
                    if (len == 7) {
                        len += in[ip++] & 0xff;
                    }
                    if (ip >= in.length) {
                        throw new BadFormat("lzf reference");
                    }
                    int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                    len += 2;
                    if (ref < 0 || op + len > outLen) {
                        throw new BadFormat("lzf reference");
                    }
                    for (int k = 0; k < len; k++) {
                        out[op++] = out[ref++];
                    }
                }
            }
            if (op != outLen) {
                throw new BadFormat("lzf length");
            }
            return out;
        }
    }
}
