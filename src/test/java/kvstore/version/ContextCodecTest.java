package kvstore.version;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContextCodecTest {
    @Test
    void roundTripsThroughClientText() {
        Random rnd = new Random(3);
        for (int i = 0; i < 200; i++) {
            VersionVector v = VersionVector.EMPTY;
            for (int j = rnd.nextInt(5); j > 0; j--) {
                v = v.with(rnd.nextLong(), 1 + rnd.nextInt(1000));
            }
            assertEquals(v, ContextCodec.fromClient(ContextCodec.toClient(v)));
            assertEquals(v, ContextCodec.decode(ContextCodec.encode(v)));
        }
    }

    @Test
    void malformedContextsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ContextCodec.fromClient("not base64!".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> ContextCodec.fromClient("AQ".getBytes()));
        byte[] ok = ContextCodec.encode(VersionVector.EMPTY.with(1, 2));
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ContextCodec.decode(longer));
    }
}
