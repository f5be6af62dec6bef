package kvstore.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import kvstore.metrics.ServerStats;
import kvstore.resp.SplitArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * Turns the byte stream of one client into requests ({@code byte[][]}, the command name first), as
 * Redis's processInputBuffer does: multibulk requests ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline
 * ones ("GET k\n"). Limits are checked on the headers, before any payload is buffered, and a
 * violation produces a {@link ProtocolError} with Redis's exact message, after which the rest of the
 * input is discarded. A header or inline line longer than proto-inline-max-size is refused whether
 * or not its end has arrived yet, so the outcome does not depend on how the bytes were split into
 * packets (Redis checks only between its 16 KB reads). Netty's own Redis codec is not used: it has neither Redis's error messages nor
 * its inline quoting rules, and it would build a message object per argument.
 */
final class RespRequestDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(RespRequestDecoder.class);
    private static final int MAX_UNAUTHENTICATED_ARGS = 10;
    private static final int MAX_UNAUTHENTICATED_BULK = 16384;

    private final ServerLimits limits;
    private final ClientConnection client;
    private final ServerStats stats;

    private byte[][] argv;
    private int argc;
    private long expected;
    private long bulkLength = -1;
    private boolean failed;

    RespRequestDecoder(ServerLimits limits, ClientConnection client, ServerStats stats) {
        this.limits = limits;
        this.client = client;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            stats.netInput(b.readableBytes());
            // CLIENT LIST's qbuf while this read's commands run: what was read and not yet cleared, as Redis's query buffer
            client.queryBufferBytes = b.readableBytes() + internalBuffer().readableBytes();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        client.queryBufferBytes = internalBuffer().readableBytes(); // an incomplete request waits there
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            if (argv == null) {
                boolean progressed = in.getByte(in.readerIndex()) == '*' ? startMultibulk(in, out) : inline(in, out);
                if (!progressed) {
                    break;
                }
                if (argv == null) {
                    continue;
                }
            }
            if (!readBulks(in, out)) {
                break;
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        } else if (in.readableBytes() > limits.queryBufferLimit) {
            log.warn("Closing client that reached max query buffer length: {} (qbuf={})", client.address(), in.readableBytes());
            failed = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }

    /** Reads "*n\r\n"; false if more input is needed. */
    private boolean startMultibulk(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int cr = in.indexOf(start, in.writerIndex(), (byte) '\r');
        if (cr < 0 || cr + 1 >= in.writerIndex() || cr - start > limits.maxInlineSize) {
            if (in.readableBytes() > limits.maxInlineSize) {
                fail(out, "Protocol error: too big mbulk count string");
            }
            return false;
        }
        long n = parseLong(in, start + 1, cr);
        if (n == Long.MIN_VALUE || n > limits.maxMultibulkLength) {
            fail(out, "Protocol error: invalid multibulk length");
            return false;
        }
        in.readerIndex(cr + 2);
        if (n <= 0) {
            return true;
        }
        if (n > MAX_UNAUTHENTICATED_ARGS && !client.authenticated()) {
            fail(out, "Protocol error: unauthenticated multibulk length");
            return false;
        }
        argv = new byte[(int) Math.min(n, 1024)][];
        argc = 0;
        expected = n;
        return true;
    }

    /** Reads bulk strings until the request is complete; false if more input is needed. */
    private boolean readBulks(ByteBuf in, List<Object> out) {
        while (argc < expected) {
            if (bulkLength < 0) {
                if (!in.isReadable()) {
                    return false;
                }
                int start = in.readerIndex();
                int cr = in.indexOf(start, in.writerIndex(), (byte) '\r');
                if (cr < 0 || cr + 1 >= in.writerIndex() || cr - start > limits.maxInlineSize) {
                    if (in.readableBytes() > limits.maxInlineSize) {
                        fail(out, "Protocol error: too big bulk count string");
                    }
                    return false;
                }
                byte first = in.getByte(start);
                if (first != '$') {
                    fail(out, "Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
                    return false;
                }
                long len = parseLong(in, start + 1, cr);
                if (len == Long.MIN_VALUE || len < 0 || len > limits.maxBulkLength) {
                    fail(out, "Protocol error: invalid bulk length");
                    return false;
                }
                if (len > MAX_UNAUTHENTICATED_BULK && !client.authenticated()) {
                    fail(out, "Protocol error: unauthenticated bulk length");
                    return false;
                }
                in.readerIndex(cr + 2);
                bulkLength = len;
            }
            if (in.readableBytes() < bulkLength + 2) {
                return false;
            }
            byte[] arg = new byte[(int) bulkLength];
            in.readBytes(arg);
            in.skipBytes(2);
            bulkLength = -1;
            if (argc == argv.length) {
                argv = Arrays.copyOf(argv, (int) Math.min(expected, (long) argv.length * 2));
            }
            argv[argc++] = arg;
        }
        out.add(argv);
        argv = null;
        return true;
    }

    /** Reads one inline command line; false if more input is needed. */
    private boolean inline(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0 || lf - start > limits.maxInlineSize) {
            if (in.readableBytes() > limits.maxInlineSize) {
                fail(out, "Protocol error: too big inline request");
            }
            return false;
        }
        int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(lf + 1);
        List<byte[]> args = SplitArgs.split(line, 0, line.length);
        if (args == null) {
            fail(out, "Protocol error: unbalanced quotes in request");
            return false;
        }
        if (!args.isEmpty()) {
            out.add(args.toArray(new byte[0][]));
        }
        return true;
    }

    private void fail(List<Object> out, String message) {
        failed = true;
        out.add(new ProtocolError(message));
    }

    /** Redis's string2ll on in[from, to): strict decimal, no '+', no leading zeros; MIN_VALUE if invalid. */
    static long parseLong(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int p = from;
        boolean negative = false;
        if (len == 1 && in.getByte(p) == '0') {
            return 0;
        }
        if (in.getByte(p) == '-') {
            negative = true;
            p++;
            if (p == to) {
                return Long.MIN_VALUE;
            }
        }
        byte d = in.getByte(p);
        if (d < '1' || d > '9') {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; p < to; p++) {
            d = in.getByte(p);
            if (d < '0' || d > '9') {
                return Long.MIN_VALUE;
            }
            if (v > (Long.MAX_VALUE - (d - '0')) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + (d - '0');
        }
        return negative ? -v : v;
    }
}
