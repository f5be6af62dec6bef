package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO (Redis bitops.c): strings as arrays of bits, bit 0 being
 * the most significant bit of the first byte. Ranges, negative indexes, BIT/BYTE units and error
 * texts follow Redis 7.0.
 */
final class BitCommands {
    private static final ErrorReply BAD_OFFSET = ErrorReply.err("bit offset is not an integer or out of range");
    private static final ErrorReply BAD_BIT = ErrorReply.err("bit is not an integer or out of range");

    private final CommandContext ctx;
    private final Keyspace ks;

    BitCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(spec("setbit", 4, this::setbit, "write", "slow").flags(WRITE, DENYOOM).keys(1, 1, 1)
                .doc("Sets or clears the bit at offset in the string value stored at key", "2.2.0").build());
        t.add(spec("getbit", 3, this::getbit, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Returns the bit value at offset in the string value stored at key", "2.2.0").build());
        t.add(spec("bitcount", -2, this::bitcount, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Count set bits in a string", "2.6.0").build());
        t.add(spec("bitpos", -3, this::bitpos, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Find first bit set or clear in a string", "2.8.7").build());
        t.add(spec("bitop", -4, this::bitop, "write", "slow").flags(WRITE, DENYOOM).keys(2, -1, 1)
                .doc("Perform bitwise operations between strings", "2.6.0").build());
        t.add(spec("bitfield", -2, (s, a) -> bitfield(s, a, false), "write", "slow").flags(WRITE, DENYOOM)
                .keys(1, 1, 1).doc("Perform arbitrary bitfield integer operations on strings", "3.2.0").build());
        t.add(spec("bitfield_ro", -2, (s, a) -> bitfield(s, a, true), "read", "fast").flags(READONLY, FAST)
                .keys(1, 1, 1).doc("Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
                        "6.0.0").build());
    }

    private static CommandSpec.Builder spec(String name, int arity, Command command, String access, String speed) {
        return CommandSpec.builder(name, arity, command).categories(access, "bitmap", speed).group("bitmap");
    }

    /** A string's bytes for reading (lookupKeyRead with the type check), or null if absent. */
    private byte[] read(int db, byte[] key) {
        Entry e = StringCommands.readString(ctx, db, key);
        return e == null ? null : e.value();
    }

    /** getBitOffsetFromArgument: 0 <= offset, and its byte within proto-max-bulk-len; -1 if not. */
    private long offset(byte[] arg) {
        long off = Args.parseLong(arg);
        if (off == Args.INVALID || off < 0 || (off >>> 3) >= ctx.config().getLong("proto-max-bulk-len")) {
            return -1;
        }
        return off;
    }

    private Reply setbit(Session s, byte[][] a) {
        long offset = offset(a[2]);
        if (offset < 0) {
            return BAD_OFFSET;
        }
        long on = Args.parseLong(a[3]);
        if (on == Args.INVALID || (on & ~1L) != 0) {
            return BAD_BIT;
        }
        int db = s.db();
        Entry e = ks.get(db, a[1]);
        if (e != null && e.type() != ValueType.STRING) {
            return ErrorReply.WRONGTYPE;
        }
        int index = (int) (offset >>> 3);
        int mask = 1 << (7 - (int) (offset & 7));
        byte[] old = e == null ? null : e.value();
        boolean grows = old == null || old.length <= index;
        int was = !grows && (old[index] & mask) != 0 ? 1 : 0;
        if (grows || was != on) {
            byte[] v = old == null ? new byte[index + 1] : Arrays.copyOf(old, Math.max(old.length, index + 1));
            v[index] = (byte) (on == 1 ? v[index] | mask : v[index] & ~mask);
            ks.put(db, a[1], e == null ? Entry.string(v, Entry.NO_EXPIRY) : e.withValue(v));
        }
        return IntegerReply.of(was);
    }

    private Reply getbit(Session s, byte[][] a) {
        long offset = offset(a[2]);
        if (offset < 0) {
            return BAD_OFFSET;
        }
        byte[] v = read(s.db(), a[1]);
        long index = offset >>> 3;
        if (v == null || index >= v.length) {
            return IntegerReply.ZERO;
        }
        return IntegerReply.of((v[(int) index] >> (7 - (int) (offset & 7))) & 1);
    }

    private Reply bitcount(Session s, byte[][] a) {
        byte[] v = read(s.db(), a[1]);
        if (v == null) {
            return IntegerReply.ZERO;
        }
        long[] range = {0, (long) v.length * 8 - 1};
        if (a.length == 4 || a.length == 5) {
            long start = Args.parseLong(a[2]);
            long end = Args.parseLong(a[3]);
            if (start == Args.INVALID || end == Args.INVALID) {
                return ErrorReply.NOT_INTEGER;
            }
            if (start < 0 && end < 0 && start > end) {
                return IntegerReply.ZERO;
            }
            Boolean bits = a.length == 5 ? unit(a[4]) : Boolean.FALSE;
            if (bits == null) {
                return ErrorReply.SYNTAX;
            }
            range = bitRange(v.length, start, end, bits);
        } else if (a.length != 2) {
            return ErrorReply.SYNTAX;
        }
        long count = 0;
        for (long bit = range[0]; bit <= range[1]; bit++) {
            if ((bit & 7) == 0 && bit + 7 <= range[1]) {
                count += Integer.bitCount(v[(int) (bit >>> 3)] & 0xff);
                bit += 7;
            } else if (((v[(int) (bit >>> 3)] >> (7 - (int) (bit & 7))) & 1) != 0) {
                count++;
            }
        }
        return IntegerReply.of(count);
    }

    private Reply bitpos(Session s, byte[][] a) {
        long bit = Args.parseLong(a[2]);
        if (bit == Args.INVALID) {
            return ErrorReply.NOT_INTEGER;
        }
        if (bit != 0 && bit != 1) {
            return ErrorReply.err("The bit argument must be 1 or 0.");
        }
        byte[] v = read(s.db(), a[1]);
        if (v == null) {
            return IntegerReply.of(bit == 1 ? -1 : 0); // an infinite run of 0 bits
        }
        boolean endGiven = false;
        long[] range = {0, (long) v.length * 8 - 1};
        if (a.length >= 4 && a.length <= 6) {
            long start = Args.parseLong(a[3]);
            if (start == Args.INVALID) {
                return ErrorReply.NOT_INTEGER;
            }
            Boolean bits = a.length == 6 ? unit(a[5]) : Boolean.FALSE;
            if (bits == null) {
                return ErrorReply.SYNTAX;
            }
            long end;
            if (a.length >= 5) {
                end = Args.parseLong(a[4]);
                if (end == Args.INVALID) {
                    return ErrorReply.NOT_INTEGER;
                }
                endGiven = true;
            } else {
                end = bits ? (long) v.length * 8 + 7 : v.length - 1;
            }
            range = bitRange(v.length, start, end, bits);
        } else if (a.length != 3) {
            return ErrorReply.SYNTAX;
        }
        if (range[0] > range[1]) {
            return IntegerReply.of(-1); // an empty range holds neither a 0 nor a 1
        }
        int skip = bit == 1 ? 0 : 0xff; // a whole byte of these holds no bit sought
        for (long i = range[0]; i <= range[1]; i++) {
            if ((i & 7) == 0 && i + 7 <= range[1] && (v[(int) (i >>> 3)] & 0xff) == skip) {
                i += 7;
            } else if (((v[(int) (i >>> 3)] >> (7 - (int) (i & 7))) & 1) == bit) {
                return IntegerReply.of(i);
            }
        }
        // no clear bit in the string: the first one is right after it, unless the range was explicit
        return IntegerReply.of(bit == 1 || endGiven ? -1 : range[1] + 1);
    }

    /** BIT (true) or BYTE (false), any case; null for anything else. */
    private static Boolean unit(byte[] arg) {
        return Args.is(arg, "bit") ? Boolean.TRUE : Args.is(arg, "byte") ? Boolean.FALSE : null;
    }

    /**
     * Redis's range arithmetic for BITCOUNT and BITPOS over a string of {@code length} bytes: negative
     * indexes count from the end, both ends are clamped, and the result is the inclusive range of bit
     * positions (first > last when empty).
     */
    private static long[] bitRange(long length, long start, long end, boolean bits) {
        long total = bits ? length * 8 : length;
        if (start < 0) {
            start = total + start;
        }
        if (end < 0) {
            end = total + end;
        }
        start = Math.max(start, 0);
        end = Math.max(end, 0);
        if (end >= total) {
            end = total - 1;
        }
        if (start > end) {
            return new long[] {0, -1};
        }
        return bits ? new long[] {start, end} : new long[] {start * 8, end * 8 + 7};
    }

    private Reply bitop(Session s, byte[][] a) {
        String op = Args.str(a[1]).toLowerCase(java.util.Locale.ROOT);
        if (!op.equals("and") && !op.equals("or") && !op.equals("xor") && !op.equals("not")) {
            return ErrorReply.SYNTAX;
        }
        if (op.equals("not") && a.length != 4) {
            return ErrorReply.err("BITOP NOT must be called with a single source key.");
        }
        int db = s.db();
        byte[][] src = new byte[a.length - 3][];
        int maxLen = 0;
        for (int i = 3; i < a.length; i++) {
            byte[] v = read(db, a[i]);
            src[i - 3] = v == null ? new byte[0] : v;
            maxLen = Math.max(maxLen, src[i - 3].length);
        }
        byte[] out = new byte[maxLen];
        for (int j = 0; j < maxLen; j++) {
            int r = byteAt(src[0], j);
            if (op.equals("not")) {
                r = ~r;
            }
            for (int k = 1; k < src.length; k++) {
                int b = byteAt(src[k], j);
                r = switch (op) {
                    case "and" -> r & b;
                    case "or" -> r | b;
                    default -> r ^ b;
                };
            }
            out[j] = (byte) r;
        }
        if (maxLen > 0) {
            ks.put(db, a[2], Entry.string(out, Entry.NO_EXPIRY));
        } else {
            ks.delete(db, a[2]);
        }
        return IntegerReply.of(maxLen);
    }

    // ---- BITFIELD

    private static final ErrorReply BAD_TYPE = ErrorReply.err(
            "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    private static final int GET = 0;
    private static final int SET = 1;
    private static final int INCRBY = 2;
    private static final int WRAP = 0;
    private static final int SAT = 1;
    private static final int FAIL = 2;

    /** One BITFIELD operation: what, where, how wide, signed or not, its argument and the overflow rule then in force. */
    private record Op(int code, long offset, int bits, boolean signed, long value, int overflow) {
    }

    private Reply bitfield(Session s, byte[][] a, boolean readonly) {
        List<Op> ops = new ArrayList<>();
        int overflow = WRAP;
        boolean writes = false;
        long highest = 0;
        for (int j = 2; j < a.length; j++) {
            int left = a.length - j - 1;
            int code;
            if (Args.is(a[j], "get") && left >= 2) {
                code = GET;
            } else if (Args.is(a[j], "set") && left >= 3) {
                code = SET;
            } else if (Args.is(a[j], "incrby") && left >= 3) {
                code = INCRBY;
            } else if (Args.is(a[j], "overflow") && left >= 1) {
                j++;
                if (Args.is(a[j], "wrap")) {
                    overflow = WRAP;
                } else if (Args.is(a[j], "sat")) {
                    overflow = SAT;
                } else if (Args.is(a[j], "fail")) {
                    overflow = FAIL;
                } else {
                    return ErrorReply.err("Invalid OVERFLOW type specified");
                }
                continue;
            } else {
                return ErrorReply.SYNTAX;
            }
            String type = Args.str(a[j + 1]);
            boolean signed = type.startsWith("i");
            long bits = type.length() > 1 && (signed || type.startsWith("u")) ? Args.parseLong(
                    type.substring(1).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) : Args.INVALID;
            if (bits == Args.INVALID || bits < 1 || bits > (signed ? 64 : 63)) {
                return BAD_TYPE;
            }
            byte[] off = a[j + 2];
            boolean hash = off.length > 1 && off[0] == '#';
            long offset = offset(hash ? Arrays.copyOfRange(off, 1, off.length) : off);
            if (offset < 0 || hash && (offset = offset * bits) >>> 3 >= ctx.config().getLong("proto-max-bulk-len")) {
                return BAD_OFFSET;
            }
            long value = 0;
            if (code != GET) {
                writes = true;
                highest = Math.max(highest, offset + bits - 1);
                value = Args.parseLong(a[j + 3]);
                if (value == Args.INVALID && !Args.isLong(a[j + 3])) {
                    return ErrorReply.NOT_INTEGER;
                }
            }
            ops.add(new Op(code, offset, (int) bits, signed, value, overflow));
            j += code == GET ? 2 : 3;
        }
        int db = s.db();
        byte[] v;
        Entry e = null;
        if (!writes) {
            v = read(db, a[1]);
        } else {
            if (readonly) {
                return ErrorReply.err("BITFIELD_RO only supports the GET subcommand");
            }
            e = ks.get(db, a[1]);
            if (e != null && e.type() != ValueType.STRING) {
                return ErrorReply.WRONGTYPE;
            }
            int need = (int) (highest >>> 3) + 1;
            byte[] old = e == null ? new byte[0] : e.value();
            v = old.length >= need ? old.clone() : Arrays.copyOf(old, need);
        }
        boolean changed = e == null && writes || v != null && e != null && v.length != e.value().length;
        List<Reply> out = new ArrayList<>(ops.size());
        for (Op op : ops) {
            long old = field(v, op.offset, op.bits, op.signed);
            if (op.code == GET) {
                out.add(IntegerReply.of(old));
                continue;
            }
            long[] r = op.code == INCRBY ? overflowed(old, op.value, op) : overflowed(op.value, 0, op);
            if (r[0] != 0 && op.overflow == FAIL) {
                out.add(kvstore.resp.NullReply.BULK);
                continue;
            }
            long next = r[0] != 0 ? r[1] : op.code == INCRBY ? old + op.value : op.value;
            out.add(IntegerReply.of(op.code == INCRBY ? next : old));
            setField(v, op.offset, op.bits, next);
            changed |= next != old;
        }
        if (writes && changed) {
            ks.put(db, a[1], e == null ? Entry.string(v, Entry.NO_EXPIRY) : e.withValue(v));
        }
        return kvstore.resp.ArrayReply.of(out);
    }

    /** The {@code bits}-wide integer at bit {@code offset} (zeros past the end), sign-extended if signed. */
    private static long field(byte[] v, long offset, int bits, boolean signed) {
        long x = 0;
        for (int j = 0; j < bits; j++) {
            long bit = offset + j;
            int index = (int) (bit >>> 3);
            int b = v != null && index < v.length ? (v[index] >> (7 - (int) (bit & 7))) & 1 : 0;
            x = (x << 1) | b;
        }
        if (signed && bits < 64 && (x & (1L << (bits - 1))) != 0) {
            x |= -1L << bits;
        }
        return x;
    }

    private static void setField(byte[] v, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            long bit = offset + j;
            int index = (int) (bit >>> 3);
            int mask = 1 << (7 - (int) (bit & 7));
            if (((value >>> (bits - 1 - j)) & 1) != 0) {
                v[index] |= (byte) mask;
            } else {
                v[index] &= (byte) ~mask;
            }
        }
    }

    /**
     * Redis's checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow for {@code value + incr}:
     * {0, 0} if it fits, else {1 or -1, the wrapped or saturated value}.
     */
    private static long[] overflowed(long value, long incr, Op op) {
        int bits = op.bits;
        if (!op.signed) {
            long max = (1L << bits) - 1;
            long maxIncr = max - value;
            long minIncr = -value;
            int dir = 0;
            if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
                dir = 1;
            } else if (incr < 0 && incr < minIncr) {
                dir = -1;
            }
            if (dir == 0) {
                return new long[] {0, 0};
            }
            long limit = op.overflow == WRAP ? (value + incr) & max : dir > 0 ? max : 0;
            return new long[] {dir, limit};
        }
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        int dir = 0;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            dir = 1;
        } else if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            dir = -1;
        }
        if (dir == 0) {
            return new long[] {0, 0};
        }
        if (op.overflow != WRAP) {
            return new long[] {dir, dir > 0 ? max : min};
        }
        long c = value + incr;
        if (bits < 64) {
            long mask = -1L << bits;
            c = (c & (1L << (bits - 1))) != 0 ? c | mask : c & ~mask;
        }
        return new long[] {dir, c};
    }

    /** A byte of a source, 0 past its end (a shorter string is padded with zeros). */
    private static int byteAt(byte[] v, int j) {
        return j < v.length ? v[j] & 0xff : 0;
    }
}
