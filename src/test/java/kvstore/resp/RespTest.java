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

    /** Arrays of thousands of bulks, small and big, with nulls and integers in between. */
    @Test
    void arraysMixingBulksOfEverySizeWithOtherReplies() {
        java.util.Random rnd = new java.util.Random(7);
        for (int round = 0; round < 50; round++) {
            java.util.List<Reply> items = new java.util.ArrayList<>();
            StringBuilder expected = new StringBuilder();
            int n = rnd.nextInt(3000);
            expected.append('*').append(n).append("\r\n");
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(20);
                if (kind == 0) {
                    items.add(IntegerReply.of(i));
                    expected.append(':').append(i).append("\r\n");
                } else if (kind == 1) {
                    items.add(NullReply.BULK);
                    expected.append("$-1\r\n");
                } else {
                    int len = kind == 2 ? 500 + rnd.nextInt(700) : rnd.nextInt(12);
                    String v = Character.toString('a' + rnd.nextInt(26)).repeat(len);
                    items.add(BulkReply.of(v));
                    expected.append('$').append(len).append("\r\n").append(v).append("\r\n");
                }
            }
            assertEquals(expected.toString(), written(b -> ArrayReply.of(items).write(b, 2)), "round " + round);
        }
    }
}
