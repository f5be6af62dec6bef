package kvstore.version;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SiblingSetCodecTest {

    static void assertSame(SiblingSet a, SiblingSet b) {
        assertEquals(a.clock(), b.clock());
        assertEquals(a.versions().size(), b.versions().size());
        for (int i = 0; i < a.versions().size(); i++) {
            Version x = a.versions().get(i);
            Version y = b.versions().get(i);
            assertEquals(x.dot(), y.dot());
            assertEquals(x.timestamp(), y.timestamp());
            assertEquals(x.expireAt(), y.expireAt());
            assertEquals(x.type(), y.type());
            assertArrayEquals(x.value(), y.value());
        }
    }

    @Test
    void roundTripsSiblingsTombstonesAndExtremes() {
        SiblingSet s = new SiblingSet(VersionVector.of(new long[] {-5, 7, Long.MAX_VALUE}, new long[] {1, 300, Long.MAX_VALUE}),
                List.of(new Version(new Dot(7, 300), 1234567890123L, 0, (byte) 0, new byte[] {0, (byte) 0xff}),
                        new Version(new Dot(-5, 1), -1, Long.MAX_VALUE, (byte) 0x7f, null),
                        new Version(new Dot(Long.MAX_VALUE, Long.MAX_VALUE), 0, 1, (byte) 0x80, new byte[0])));
        byte[] enc = SiblingSetCodec.encode(s);
        assertEquals(SiblingSetCodec.FORMAT_V1, enc[0]);
        SiblingSet d = SiblingSetCodec.decode(enc);
        assertSame(s, d);
        assertNull(d.versions().get(1).value());
    }

    @Test
    void winnerValueAgreesWithTheDecodedWinner() {
        java.util.Random rnd = new java.util.Random(7);
        for (int round = 0; round < 2000; round++) {
            int m = 1 + rnd.nextInt(4);
            List<Version> vs = new java.util.ArrayList<>();
            for (int i = 0; i < m; i++) {
                byte[] value = rnd.nextInt(4) == 0 ? null : new byte[rnd.nextInt(5)];
                if (value != null) {
                    rnd.nextBytes(value);
                }
                // few distinct timestamps and actors, so ties are decided by actor, then counter
                long expireAt = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(1000);
                vs.add(new Version(new Dot(rnd.nextInt(3), i + 1), rnd.nextInt(3), expireAt, (byte) 0, value));
            }
            SiblingSet set = new SiblingSet(VersionVector.of(new long[] {0, 1, 2}, new long[] {9, 9, 9}), vs);
            byte[] encoded = SiblingSetCodec.encode(set);
            Version w = SiblingSetCodec.decode(encoded).winner();
            org.junit.jupiter.api.Assertions.assertArrayEquals(w.value(), SiblingSetCodec.winnerValue(encoded));
            boolean lasting = vs.stream().anyMatch(v -> !v.isTombstone() && v.expireAt() == Version.NO_EXPIRY);
            assertEquals(lasting, SiblingSetCodec.holdsLastingValue(encoded), "round " + round);
        }
    }

    @Test
    void layoutIsStable() {
        SiblingSet s = new SiblingSet(VersionVector.of(new long[] {1}, new long[] {2}),
                List.of(new Version(new Dot(1, 2), 3, 0, (byte) 9, new byte[] {'v'})));
        byte[] expected = {1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2,
                0, 0, 0, 0, 0, 0, 0, 3, 0, 9, 1, 1, 'v'};
        assertArrayEquals(expected, SiblingSetCodec.encode(s));
    }

    @Test
    void rejectsCorruptInput() {
        SiblingSet s = new SiblingSet(VersionVector.of(new long[] {1}, new long[] {2}),
                List.of(new Version(new Dot(1, 2), 3, 0, (byte) 9, new byte[] {'v', 'w'})));
        byte[] enc = SiblingSetCodec.encode(s);
        byte[] badFormat = enc.clone();
        badFormat[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> SiblingSetCodec.decode(badFormat));
        for (int cut = 0; cut < enc.length; cut++) {
            int n = cut;
            assertThrows(IllegalArgumentException.class, () -> SiblingSetCodec.decode(enc, 0, n));
        }
        byte[] trailing = java.util.Arrays.copyOf(enc, enc.length + 1);
        assertThrows(IllegalArgumentException.class, () -> SiblingSetCodec.decode(trailing));
        byte[] badFlags = enc.clone();
        badFlags[enc.length - 4] = 3;
        assertThrows(IllegalArgumentException.class, () -> SiblingSetCodec.decode(badFlags));
    }
}
