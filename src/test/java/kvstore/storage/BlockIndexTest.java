package kvstore.storage;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlockIndexTest {
    /** The answer by definition: the last key <= the probe. */
    private static int naiveFloor(byte[][] keys, byte[] key) {
        int found = -1;
        for (int i = 0; i < keys.length; i++) {
            if (Arrays.compareUnsigned(keys[i], key) <= 0) {
                found = i;
            }
        }
        return found;
    }

    /**
     * Keys built from a small alphabet (0x00, 0x01, 0xff among it, so zero padding and unsigned order
     * matter) with long shared prefixes, lengths around a head's 8 bytes and keys that are prefixes of
     * others, probed with stored keys, their neighbours and random keys.
     */
    @Test
    void findsTheLastKeyAtOrBeforeEveryProbe() {
        byte[] alphabet = {0, 1, 'a', 'b', (byte) 0x7f, (byte) 0x80, (byte) 0xff};
        for (int seed = 0; seed < 20; seed++) {
            Random rnd = new Random(seed);
            int prefix = rnd.nextInt(12);
            TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
            int n = 1 + rnd.nextInt(seed < 5 ? 70 : 2000);
            while (set.size() < n) {
                set.add(randomKey(rnd, alphabet, prefix));
            }
            byte[][] keys = set.toArray(new byte[0][]);
            BlockIndex index = new BlockIndex(keys);
            for (byte[] k : keys) {
                check(keys, index, k);
                check(keys, index, Arrays.copyOf(k, k.length + 1));
                if (k.length > 0) {
                    check(keys, index, Arrays.copyOf(k, k.length - 1));
                    int at = rnd.nextInt(k.length); // diverging from k inside a prefix it may share with others
                    byte[] up = k.clone();
                    up[at]++;
                    check(keys, index, up);
                    check(keys, index, Arrays.copyOf(up, at + 1));
                    byte[] down = k.clone();
                    down[at]--;
                    check(keys, index, down);
                }
            }
            for (int i = 0; i < 5000; i++) {
                check(keys, index, randomKey(rnd, alphabet, rnd.nextInt(prefix + 1)));
            }
            check(keys, index, new byte[0]);
        }
    }

    /**
     * The table-wide prefix, then for a third of the keys a long run of one byte (so that whole runs
     * share more than the 16 bytes after the table's prefix that the run search compares), then
     * random bytes.
     */
    /**
     * A run whose keys share a long prefix (shorter than, within and longer than the 16 bytes the run
     * search compares), ending where the next run's keys no longer share it: keys between the two
     * runs that leave that prefix anywhere belong to the first run's last block.
     */
    @Test
    void aKeyLeavingARunsPrefixBelongsToItsLastBlock() {
        for (int shared : new int[] {3, 12, 20}) {
            byte[][] keys = new byte[2 * BlockIndex.RUN][];
            for (int i = 0; i < BlockIndex.RUN; i++) {
                keys[i] = latin1("x" + "g".repeat(shared) + (char) ('A' + i));
                keys[BlockIndex.RUN + i] = latin1("y" + (char) ('A' + i));
            }
            BlockIndex index = new BlockIndex(keys);
            for (int at = 1; at <= shared; at++) {
                byte[] probe = latin1("x" + "g".repeat(at - 1) + "h" + "A".repeat(30 - at));
                check(keys, index, probe);
                assertEquals(BlockIndex.RUN - 1, index.floor(probe));
            }
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static byte[] randomKey(Random rnd, byte[] alphabet, int prefix) {
        int filler = rnd.nextInt(3) == 0 ? 20 + rnd.nextInt(2) : 0;
        byte[] k = new byte[prefix + filler + rnd.nextInt(14)];
        Arrays.fill(k, 0, prefix, (byte) 'p');
        Arrays.fill(k, prefix, prefix + filler, (byte) 'b');
        for (int i = prefix + filler; i < k.length; i++) {
            k[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        return k;
    }

    private static void check(byte[][] keys, BlockIndex index, byte[] probe) {
        assertEquals(naiveFloor(keys, probe), index.floor(probe), () -> "probe " + Arrays.toString(probe));
    }
}
