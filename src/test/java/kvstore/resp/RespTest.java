package kvstore.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RespTest {
    private static String written(java.util.function.Consumer<ByteBuf> write) {
        ByteBuf out = Unpooled.buffer(8);
        try {
            write.accept(out);
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    @Test
    void headersCarryAnyLong() {
        assertEquals("*0\r\n", written(b -> Resp.writeHeader(b, (byte) '*', 0)));
        assertEquals(":1023\r\n", written(b -> Resp.writeHeader(b, (byte) ':', 1023)));
        assertEquals(":1024\r\n", written(b -> Resp.writeHeader(b, (byte) ':', 1024)));
        assertEquals(":-1\r\n", written(b -> Resp.writeHeader(b, (byte) ':', -1)));
        assertEquals(":-9223372036854775808\r\n", written(b -> Resp.writeHeader(b, (byte) ':', Long.MIN_VALUE)));
        assertEquals(":9223372036854775807\r\n", written(b -> Resp.writeHeader(b, (byte) ':', Long.MAX_VALUE)));
    }

    @Test
    void bulksOfEverySizeAroundTheInlineLimit() {
        for (int n : new int[] {0, 1, 511, 512, 513, 5000}) {
            byte[] v = new byte[n];
            Arrays.fill(v, (byte) 'x');
            String x = "x".repeat(n);
            assertEquals("$" + n + "\r\n" + x + "\r\n", written(b -> Resp.writeBulk(b, v)), "length " + n);
        }
    }
}
