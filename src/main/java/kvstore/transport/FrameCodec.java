package kvstore.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes and decodes the frames of the peer bus. Every frame on the wire is
 *
 * <pre>
 *  offset size  field
 *  0      4     length          u32, big endian: bytes that follow this field (10 + payload size)
 *  4      1     type            u8, {@link FrameType} id
 *  5      1     flags           u8, reserved: sent as 0, ignored on receipt
 *  6      8     correlation id  u64, big endian: pairs a RESPONSE/ERROR/PONG with its REQUEST/PING;
 *                               0 for HANDSHAKE, HANDSHAKE_ACK and ONE_WAY
 *  14     n     payload         n = length - 10 bytes
 * </pre>
 *
 * Payload by type:
 * <pre>
 *  REQUEST, ONE_WAY  [message type u32][body]      the message type selects the RequestHandler
 *  RESPONSE          [body]
 *  ERROR             [code u8][UTF-8 message]      codes in {@link ErrorCode}
 *  PING, PONG        empty
 *  HANDSHAKE         [version u8][name][expected peer name][nonce 32 bytes]   (see {@link Handshake};
 *  HANDSHAKE_ACK     dialer: [proof 32]; acceptor: [verdict u8][proof 32]      names are u16 length + UTF-8)
 * </pre>
 *
 * A frame whose length exceeds the current limit closes the connection with a log line. Until the
 * handshake completes the limit is {@link #HANDSHAKE_LIMIT}, so an unauthenticated peer cannot make
 * this node allocate a large buffer; afterwards it is the configured maximum frame size.
 *
 * <p>The decoder does not accumulate frames in a growing buffer: once a header is read it allocates
 * the body array at its final size and copies bytes into it as they arrive, so a 512 MB value costs
 * one 512 MB array and one copy. The encoder wraps a body array over 1 KB without copying it.
 */
final class FrameCodec extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(FrameCodec.class);

    static final int LENGTH_FIELD = 4;
    /** type + flags + correlation id. */
    static final int HEADER_AFTER_LENGTH = 10;
    static final int HEADER = LENGTH_FIELD + HEADER_AFTER_LENGTH;
    static final int HANDSHAKE_LIMIT = 4096;
    /** Bodies up to this size are copied behind the header: one buffer is cheaper than two to write. */
    private static final int COPY_BELOW = 1024;

    /** Counts wire bytes once the connection belongs to a peer. */
    interface Meter {
        void bytesIn(long n);

        void bytesOut(long n);
    }

    private final ByteBuf header = Unpooled.buffer(HEADER + 4, HEADER + 4);
    private volatile long limit = HANDSHAKE_LIMIT;
    private volatile Meter meter;
    private volatile long lastReadNanos = System.nanoTime();
    private volatile long lastWriteNanos = System.nanoTime();

    // decoder state, touched only on the channel's event loop
    private FrameType type;
    private byte flags;
    private long correlationId;
    private int messageType;
    private byte[] body;
    private int bodyPos;
    private boolean failed;

    void authenticated(long maxFrameSize, Meter meter) {
        this.limit = maxFrameSize;
        this.meter = meter;
    }

    /** When bytes last arrived (any bytes, also of a frame still incomplete). */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /** When a frame was last handed to the socket. */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            lastReadNanos = System.nanoTime();
            while (in.isReadable() && !failed) {
                if (body == null) {
                    readHeader(ctx, in);
                } else {
                    int n = Math.min(in.readableBytes(), body.length - bodyPos);
                    in.readBytes(body, bodyPos, n);
                    bodyPos += n;
                    if (bodyPos == body.length) {
                        emit(ctx);
                    }
                }
            }
        } finally {
            in.release();
        }
    }

    private void readHeader(ChannelHandlerContext ctx, ByteBuf in) {
        int want = header.writerIndex() < HEADER ? HEADER : HEADER + 4;
        in.readBytes(header, Math.min(in.readableBytes(), want - header.writerIndex()));
        if (header.writerIndex() < want) {
            return;
        }
        long length = header.getUnsignedInt(0);
        if (want == HEADER) {
            if (length > limit) {
                fail(ctx, "frame of " + length + " bytes exceeds the limit of " + limit + " bytes");
                return;
            }
            if (length < HEADER_AFTER_LENGTH) {
                fail(ctx, "frame length " + length + " is shorter than a header");
                return;
            }
            type = FrameType.of(header.getByte(4));
            if (type == null) {
                fail(ctx, "unknown frame type " + (header.getByte(4) & 0xff));
                return;
            }
            flags = header.getByte(5);
            correlationId = header.getLong(6);
            if (type.hasMessageType()) {
                if (length < HEADER_AFTER_LENGTH + 4) {
                    fail(ctx, type + " frame without a message type");
                }
                return; // read the message type next
            }
            messageType = 0;
            startBody(ctx, (int) (length - HEADER_AFTER_LENGTH));
        } else {
            messageType = header.getInt(HEADER);
            startBody(ctx, (int) (length - HEADER_AFTER_LENGTH - 4));
        }
    }

    private void startBody(ChannelHandlerContext ctx, int size) {
        body = size == 0 ? Frame.EMPTY : new byte[size];
        bodyPos = 0;
        if (size == 0) {
            emit(ctx);
        }
    }

    private void emit(ChannelHandlerContext ctx) {
        Frame f = new Frame(type, flags, correlationId, messageType, body);
        body = null;
        header.clear();
        Meter m = meter;
        if (m != null) {
            m.bytesIn(f.wireSize());
        }
        ctx.fireChannelRead(f);
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        failed = true;
        log.warn("Closing peer connection {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Frame f = (Frame) msg;
        int prefix = f.type().hasMessageType() ? 4 : 0;
        boolean copy = f.body().length <= COPY_BELOW;
        ByteBuf head = ctx.alloc().buffer(HEADER + prefix + (copy ? f.body().length : 0));
        head.writeInt(HEADER_AFTER_LENGTH + prefix + f.body().length);
        head.writeByte(f.type().id());
        head.writeByte(f.flags());
        head.writeLong(f.correlationId());
        if (prefix != 0) {
            head.writeInt(f.messageType());
        }
        ByteBuf out;
        if (copy) {
            out = head.writeBytes(f.body());
        } else {
            out = Unpooled.wrappedBuffer(head, Unpooled.wrappedBuffer(f.body()));
        }
        Meter m = meter;
        if (m != null) {
            m.bytesOut(f.wireSize());
        }
        lastWriteNanos = System.nanoTime();
        ctx.write(out, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        header.release();
    }
}
