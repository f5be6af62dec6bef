package kvstore.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class FrameCodecTest {
    private static ByteBuf encode(Frame f) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec());
        ch.writeOutbound(f);
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    @Test
    void wireLayoutIsAsDocumented() {
        byte[] body = "xyz".getBytes(StandardCharsets.US_ASCII);
        ByteBuf wire = encode(new Frame(FrameType.REQUEST, (byte) 0, 0x0102030405060708L, 77, body));
        assertEquals(4 + 10 + 4 + 3, wire.readableBytes());
        assertEquals(10 + 4 + 3, wire.getInt(0));
        assertEquals(3, wire.getByte(4));
        assertEquals(0, wire.getByte(5));
        assertEquals(0x0102030405060708L, wire.getLong(6));
        assertEquals(77, wire.getInt(14));
        assertEquals('x', wire.getByte(18));
        ByteBuf pong = encode(Frame.of(FrameType.PONG, 9, Frame.EMPTY));
        assertEquals(14, pong.readableBytes());
        assertEquals(10, pong.getInt(0));
        assertEquals(7, pong.getByte(4));
    }

    @Test
    void decodesFramesSplitAtEveryByteAndBackToBack() {
        Frame[] frames = {
            new Frame(FrameType.REQUEST, (byte) 0, 1, 5, "hello".getBytes(StandardCharsets.UTF_8)),
            Frame.of(FrameType.RESPONSE, 1, new byte[] {0, (byte) 0xff}),
            Frame.of(FrameType.PING, 2, Frame.EMPTY),
            new Frame(FrameType.ONE_WAY, (byte) 0, 0, -1, Frame.EMPTY),
        };
        ByteBuf wire = Unpooled.buffer();
        for (Frame f : frames) {
            ByteBuf b = encode(f);
            wire.writeBytes(b);
            b.release();
        }
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec());
        while (wire.isReadable()) {
            ch.writeInbound(wire.readRetainedSlice(1));
        }
        for (Frame f : frames) {
            Frame got = ch.readInbound();
            assertEquals(f.type(), got.type());
            assertEquals(f.correlationId(), got.correlationId());
            assertEquals(f.messageType(), got.messageType());
            assertArrayEquals(f.body(), got.body());
        }
        assertNull(ch.readInbound());
        wire.release();
    }

    @Test
    void oversizeAndUnknownFramesClose() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec());
        ByteBuf b = Unpooled.buffer().writeInt(FrameCodec.HANDSHAKE_LIMIT + 1).writeByte(1).writeByte(0).writeLong(0);
        ch.writeInbound(b);
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());

        FrameCodec limited = new FrameCodec();
        EmbeddedChannel ch2 = new EmbeddedChannel(limited);
        ch2.writeInbound(Unpooled.buffer().writeInt(10).writeByte(99).writeByte(0).writeLong(0));
        assertFalse(ch2.isOpen());
    }
}
