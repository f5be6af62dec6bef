package kvstore.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergingIteratorTest {
    /** Random sources over a small key space (so that keys repeat across them), merged and checked. */
    @Test
    void walksEveryKeyOnceInOrderWithTheNewestSourcesValue() {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            int n = rnd.nextInt(7);
            List<Memtable> sources = new ArrayList<>();
            TreeMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
            for (int i = 0; i < n; i++) {
                sources.add(new Memtable(0));
            }
            // the newest source (first) wins: fill oldest first so later puts override in the reference
            for (int i = n - 1; i >= 0; i--) {
                int entries = rnd.nextInt(40);
                for (int e = 0; e < entries; e++) {
                    byte[] k = new byte[1 + rnd.nextInt(3)];
                    for (int j = 0; j < k.length; j++) {
                        k[j] = (byte) (rnd.nextInt(6) * 50); // includes bytes above 127: unsigned order
                    }
                    byte[] v = {(byte) i, (byte) e};
                    sources.get(i).put(k, v);
                    expected.put(k, v);
                }
            }
            List<InternalIterator> its = new ArrayList<>();
            for (Memtable m : sources) {
                its.add(m.iterator(null, null));
            }
            MergingIterator merged = new MergingIterator(its);
            for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
                assertTrue(merged.valid());
                assertArrayEquals(e.getKey(), merged.key());
                assertArrayEquals(e.getValue(), merged.value(), "round " + round);
                merged.next();
            }
            assertFalse(merged.valid());
        }
    }

    @Test
    void noSourcesIsAnEmptyWalk() {
        assertFalse(new MergingIterator(List.of()).valid());
        assertEquals(0, new Memtable(0).size());
        assertFalse(new MergingIterator(List.of(new Memtable(0).iterator(null, null))).valid());
    }
}
