package kvstore.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeySlotTest {
    /** CRC16/XMODEM one bit at a time: the definition the table-driven version must match. */
    private static int bitwise(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (b[i] & 0xff) << 8;
            for (int j = 0; j < 8; j++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
            }
        }
        return crc;
    }

    @Test
    void crc16MatchesTheSpec() {
        // the check value of the Redis Cluster specification
        assertEquals(0x31C3, KeySlot.crc16("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
        Random rnd = new Random(7);
        for (int n = 0; n < 2000; n++) {
            byte[] b = new byte[rnd.nextInt(40)];
            rnd.nextBytes(b);
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
            int to = from + (b.length == from ? 0 : rnd.nextInt(b.length - from + 1));
            assertEquals(bitwise(b, from, to), KeySlot.crc16(b, from, to), "bytes " + from + ".." + to);
        }
    }

    @Test
    void slotsAsRedisClusterComputesThem() {
        // CLUSTER KEYSLOT answers of redis-server for these keys
        assertEquals(12182, KeySlot.of("foo".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(5061, KeySlot.of("bar".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(KeySlot.of("user1000".getBytes(StandardCharsets.US_ASCII)),
                KeySlot.of("{user1000}.following".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(bitwise("{}x".getBytes(StandardCharsets.US_ASCII), 0, 3) & 16383, KeySlot.of("{}x".getBytes(StandardCharsets.US_ASCII)));
    }
}
