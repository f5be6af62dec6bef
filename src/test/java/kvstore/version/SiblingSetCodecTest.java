package kvstore.version;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SiblingSetCodecTest {
    @Test
    void roundTripsRandomSetsWithTombstonesAndBinaryValues() {
        Random rnd = new Random(3);
        for (int round = 0; round < 500; round++) {
            SiblingSet s = null;
            for (int i = 0; i < 1 + rnd.nextInt(6); i++) {
                long actor = rnd.nextInt(4) + 1;
                VersionVector ctx = s == null || rnd.nextBoolean() ? VersionVector.EMPTY : s.clock();
                byte[] value = null;
                if (rnd.nextInt(4) != 0) {
                    value = new byte[rnd.nextInt(20)];
                    rnd.nextBytes(value);
                }
                s = SiblingSet.write(s, ctx, actor, rnd.nextLong(), rnd.nextBoolean() ? 0 : rnd.nextLong(),
                        (byte) rnd.nextInt(5), value);
            }
            SiblingSet back = SiblingSetCodec.decode(SiblingSetCodec.encode(s));
            assertEquals(s.clock(), back.clock());
            assertEquals(s.size(), back.size());
            List<Version> a = s.versions();
            List<Version> b = back.versions();
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).dot(), b.get(i).dot());
                assertEquals(a.get(i).timestamp(), b.get(i).timestamp());
                assertEquals(a.get(i).expireAt(), b.get(i).expireAt());
                assertEquals(a.get(i).type(), b.get(i).type());
                assertArrayEquals(a.get(i).value(), b.get(i).value());
            }
            assertEquals(s.clock(), SiblingSetCodec.contextFromClient(SiblingSetCodec.contextToClient(s.clock())));
        }
    }

    @Test
    void malformedInputIsRefused() {
        SiblingSet s = SiblingSet.write(null, VersionVector.EMPTY, 1, 1, 0, (byte) 0, "v".getBytes());
        byte[] enc = SiblingSetCodec.encode(s);
        for (int cut = 0; cut < enc.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(enc, cut);
            assertThrows(IllegalArgumentException.class, () -> SiblingSetCodec.decode(part));
        }
        assertThrows(IllegalArgumentException.class, () -> SiblingSetCodec.contextFromClient("not base64!".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> SiblingSetCodec.contextFromClient("AQ".getBytes()));
    }
}
