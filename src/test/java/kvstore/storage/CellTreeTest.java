package kvstore.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellTreeTest {
    private static final byte[] VALUE = {1};

    private static byte[] k(int... bytes) {
        byte[] k = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            k[i] = (byte) bytes[i];
        }
        return k;
    }

    private static MemCell cell(byte[] key) {
        return new MemCell(BloomFilter.hash(key), key, VALUE);
    }

    /** The keys and cells of a walk over {@code [from, to)}. */
    private static List<Map.Entry<byte[], MemCell>> walk(CellTree t, byte[] from, byte[] to) {
        List<Map.Entry<byte[], MemCell>> out = new ArrayList<>();
        for (CellTree.Cursor c = t.cursor(from, to); c.next(); ) {
            out.add(Map.entry(c.key(), c.cell()));
        }
        return out;
    }

    private static void assertWalk(NavigableMap<byte[], MemCell> expected, List<Map.Entry<byte[], MemCell>> walk) {
        assertEquals(expected.size(), walk.size(), "entries walked");
        int i = 0;
        for (Map.Entry<byte[], MemCell> e : expected.entrySet()) {
            assertArrayEquals(e.getKey(), walk.get(i).getKey());
            assertSame(e.getValue(), walk.get(i).getValue());
            i++;
        }
    }

    private static NavigableMap<byte[], MemCell> range(TreeMap<byte[], MemCell> model, byte[] from, byte[] to) {
        if (from != null && to != null && Arrays.compareUnsigned(from, to) >= 0) {
            return new TreeMap<>(Arrays::compareUnsigned);
        }
        NavigableMap<byte[], MemCell> m = model;
        if (from != null) {
            m = m.tailMap(from, true);
        }
        if (to != null) {
            m = m.headMap(to, false);
        }
        return m;
    }

    @Test
    void ordersKeysAsUnsignedBytesWithPrefixesFirst() {
        List<byte[]> keys = new ArrayList<>(List.of(k(), k(0x00), k(0x00, 0x00), k(0x00, 0xff), k(0x7f), k(0x7f, 0xff),
                k(0x80), k(0x80, 0x00), k(0xff), k(0xff, 0x00), k(0xff, 0xff), k(0xff, 0xff, 0xff), k(0x01)));
        for (int small : new int[] {4, CellTree.MAX_ENTRIES}) {
            Collections.shuffle(keys, new Random(small));
            CellTree t = new CellTree(small, CellTree.MAX_BYTES);
            TreeMap<byte[], MemCell> model = new TreeMap<>(Arrays::compareUnsigned);
            for (byte[] key : keys) {
                MemCell c = cell(key);
                t.put(key, c);
                model.put(key, c);
            }
            t.check();
            assertWalk(model, walk(t, null, null));
            assertArrayEquals(k(), walk(t, null, null).get(0).getKey(), "the empty key sorts first");
            assertArrayEquals(k(0xff, 0xff, 0xff), walk(t, null, null).get(keys.size() - 1).getKey());
            assertWalk(range(model, k(0x7f), k(0x80, 0x00)), walk(t, k(0x7f), k(0x80, 0x00)));
        }
    }

    @Test
    void putReplacesTheCellAndRemoveTakesOnlyTheCellMapped() {
        CellTree t = new CellTree();
        assertTrue(t.isEmpty());
        byte[] key = k(1, 2, 3);
        MemCell first = cell(key);
        MemCell second = cell(key);
        t.put(key, first);
        t.put(k(1, 2, 3), second); // another array with the same bytes is the same key
        assertEquals(1, t.size());
        assertSame(second, walk(t, null, null).get(0).getValue());
        assertFalse(t.remove(key, first), "not the cell mapped");
        assertFalse(t.remove(k(1, 2), second), "not the key of that cell");
        assertFalse(t.remove(k(9), second), "absent");
        assertEquals(1, t.size());
        assertTrue(t.remove(k(1, 2, 3), second));
        assertFalse(t.remove(key, second), "already gone");
        assertEquals(0, t.size());
        assertTrue(t.isEmpty());
        assertTrue(walk(t, null, null).isEmpty());
        t.check();
    }

    @Test
    void rangesIncludeTheirStartExcludeTheirEndAndAreEmptyWhenInverted() {
        CellTree t = new CellTree(4, CellTree.MAX_BYTES);
        TreeMap<byte[], MemCell> model = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < 200; i += 2) {
            byte[] key = k(i);
            MemCell c = cell(key);
            t.put(key, c);
            model.put(key, c);
        }
        byte[][] bounds = {null, k(), k(0), k(1), k(2), k(2, 0), k(100), k(101), k(198), k(199), k(255), k(255, 255)};
        for (byte[] from : bounds) {
            for (byte[] to : bounds) {
                assertWalk(range(model, from, to), walk(t, from, to));
            }
        }
        assertTrue(walk(t, k(10), k(10)).isEmpty(), "equal bounds");
        assertTrue(walk(t, k(20), k(10)).isEmpty(), "inverted bounds");
        assertEquals(1, walk(t, k(10), k(11)).size());
    }

    /** Random puts and removes against a {@code TreeMap}, with node limits that make trees of several depths. */
    @Test
    void randomOperationsMatchATreeMap() {
        int[][] limits = {{4, 1 << 20}, {5, 40}, {16, 256}, {CellTree.MAX_ENTRIES, CellTree.MAX_BYTES}};
        for (int[] limit : limits) {
            for (long seed = 1; seed <= 3; seed++) {
                randomOperations(new CellTree(limit[0], limit[1]), seed, 200_000, 20_000);
            }
        }
    }

    @Test
    void longKeysSplitNodesByBytes() {
        CellTree t = new CellTree(CellTree.MAX_ENTRIES, 1024);
        randomOperations(t, 7, 20_000, 300, 5000);
    }

    private static void randomOperations(CellTree t, long seed, int ops, int keySpace) {
        randomOperations(t, seed, ops, keySpace, 24);
    }

    /**
     * {@code ops} random operations on keys drawn from {@code keySpace} keys of up to {@code maxLength}
     * bytes sharing long prefixes, checking the tree's invariants and walks along the way. The key
     * space first fills, then drains, then churns, so nodes split, merge and disappear at every level.
     */
    private static void randomOperations(CellTree t, long seed, int ops, int keySpace, int maxLength) {
        Random r = new Random(seed);
        byte[][] keys = new byte[keySpace][];
        for (int i = 0; i < keySpace; i++) {
            keys[i] = randomKey(r, maxLength);
        }
        TreeMap<byte[], MemCell> model = new TreeMap<>(Arrays::compareUnsigned);
        int maxHeight = 0;
        for (int op = 0; op < ops; op++) {
            int phase = op * 3 / ops; // fill, drain, churn
            int putPercent = phase == 0 ? 80 : phase == 1 ? 20 : 50;
            byte[] key = keys[r.nextInt(keySpace)];
            if (r.nextInt(100) < putPercent) {
                MemCell c = cell(key);
                t.put(key.clone(), c);
                model.put(key, c);
            } else {
                MemCell mapped = model.get(key);
                boolean wrongCell = mapped != null && r.nextInt(10) == 0;
                MemCell c = mapped == null || wrongCell ? cell(key) : mapped;
                boolean removed = t.remove(key.clone(), c);
                assertEquals(mapped != null && !wrongCell, removed, "remove");
                if (removed) {
                    model.remove(key);
                }
            }
            assertEquals(model.size(), t.size());
            if (op % 997 == 0) {
                t.check();
                maxHeight = Math.max(maxHeight, t.height());
                byte[] from = r.nextInt(5) == 0 ? null : randomKey(r, maxLength);
                byte[] to = r.nextInt(5) == 0 ? null : randomKey(r, maxLength);
                assertWalk(range(model, from, to), walk(t, from, to));
            }
        }
        t.check();
        assertWalk(model, walk(t, null, null));
        if (keySpace > 1000) {
            assertTrue(maxHeight >= 3, "height reached " + maxHeight);
        }
    }

    /** A key of a few shared prefixes then random bytes, so that nodes hold keys with long common prefixes. */
    private static byte[] randomKey(Random r, int maxLength) {
        int length = r.nextInt(maxLength + 1);
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) {
            int random = r.nextInt(4) == 0 ? r.nextInt(256) : r.nextInt(3) + 0x7e; // around the sign bit, mostly
            key[i] = i < length / 2 ? (byte) (i * 7) : (byte) random;
        }
        return key;
    }

    @Test
    void removingEverythingLeavesOneEmptyLeaf() {
        for (int small : new int[] {4, CellTree.MAX_ENTRIES}) {
            CellTree t = new CellTree(small, CellTree.MAX_BYTES);
            List<byte[]> keys = new ArrayList<>();
            List<MemCell> cells = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                byte[] key = ("member:" + i).getBytes();
                keys.add(key);
                cells.add(cell(key));
                t.put(key, cells.get(i));
            }
            assertTrue(t.height() >= 3);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(3));
            for (int n = 0; n < order.size(); n++) {
                int i = order.get(n);
                assertTrue(t.remove(keys.get(i), cells.get(i)));
                if (n % 10_000 == 0) {
                    t.check();
                    // every node but the root holds a quarter of its maximum at least
                    assertTrue(t.nodeCount() <= 1 + 2 * (keys.size() - n) / Math.max(1, small / 4));
                }
            }
            assertTrue(t.isEmpty());
            assertEquals(1, t.nodeCount());
            assertEquals(1, t.height());
            assertFalse(t.cursor(null, null).next());
            t.put(keys.get(0), cells.get(0));
            assertEquals(1, walk(t, null, null).size());
        }
    }

    /**
     * One writer puts and removes keys while readers walk random ranges: every walk must be strictly
     * increasing, inside its bounds, pair each key with a cell of that key, and return every key of a
     * fixed subset (inserted before the readers start and never removed) that lies in its range. A
     * reader copying a leaf half-way through a shift would see a key twice, out of order, beside
     * another key's cell, or miss a neighbour.
     */
    @Test
    void readersWalkConsistentlyWhileTheWriterChangesTheTree() throws Exception {
        concurrentWalks(new CellTree(), 2_000, TimeUnit.MILLISECONDS.toNanos(1500));
        concurrentWalks(new CellTree(6, 200), 3_000, TimeUnit.MILLISECONDS.toNanos(1500));
    }

    private static void concurrentWalks(CellTree t, int keySpace, long nanos) throws Exception {
        byte[][] keys = new byte[keySpace][];
        for (int i = 0; i < keySpace; i++) {
            // long keys sharing a prefix, so that a shift moves many bytes and a torn copy mixes keys
            String member = String.format("%08d/%s", i * 7919 % keySpace, "x".repeat(i % 13));
            keys[i] = ("sorted-set-key/member-" + member).getBytes();
        }
        Arrays.sort(keys, Arrays::compareUnsigned);
        byte[][] stable = new byte[(keySpace + 6) / 7][];
        for (int i = 0; i < keySpace; i += 7) {
            stable[i / 7] = keys[i];
            t.put(keys[i], cell(keys[i]));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong walks = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            long seed = n;
            readers.add(new Thread(() -> {
                Random r = new Random(seed);
                try {
                    while (!done.get() && failure.get() == null) {
                        byte[] from = r.nextInt(4) == 0 ? null : keys[r.nextInt(keySpace)];
                        byte[] to = r.nextInt(4) == 0 ? null : keys[r.nextInt(keySpace)];
                        checkWalk(t, stable, from, to);
                        walks.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        readers.forEach(Thread::start);
        Random r = new Random(11);
        MemCell[] mapped = new MemCell[keySpace];
        long end = System.nanoTime() + nanos;
        try {
            while (System.nanoTime() < end && failure.get() == null) {
                for (int op = 0; op < 1000; op++) {
                    int i = r.nextInt(keySpace);
                    if (i % 7 == 0) {
                        continue; // stable
                    }
                    if (mapped[i] == null || r.nextInt(8) == 0) {
                        mapped[i] = cell(keys[i]);
                        t.put(keys[i], mapped[i]);
                    } else {
                        assertTrue(t.remove(keys[i], mapped[i]));
                        mapped[i] = null;
                    }
                }
            }
        } finally {
            done.set(true);
            for (Thread reader : readers) {
                reader.join();
            }
        }
        assertNull(failure.get(), () -> "a reader failed: " + failure.get());
        assertTrue(walks.get() > 100, "walks: " + walks.get());
        t.check();
    }

    private static void checkWalk(CellTree t, byte[][] stable, byte[] from, byte[] to) {
        int s = from == null ? 0 : firstAtLeast(stable, from);
        byte[] previous = null;
        for (CellTree.Cursor c = t.cursor(from, to); c.next(); ) {
            byte[] key = c.key();
            if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                throw new AssertionError("walk not increasing: " + new String(previous) + " then " + new String(key));
            }
            boolean inRange = (from == null || Arrays.compareUnsigned(key, from) >= 0)
                    && (to == null || Arrays.compareUnsigned(key, to) < 0);
            if (!inRange) {
                throw new AssertionError("key outside the walk's range: " + new String(key));
            }
            MemCell cell = c.cell();
            byte[] entry = cell.entry();
            if (cell.keyLength != key.length || !Arrays.equals(entry, 0, key.length, key, 0, key.length)) {
                throw new AssertionError("key " + new String(key) + " with the cell of "
                        + new String(entry, 0, cell.keyLength));
            }
            if (s < stable.length && Arrays.compareUnsigned(stable[s], key) < 0) {
                throw new AssertionError("walk missed " + new String(stable[s]) + " (got " + new String(key) + ")");
            }
            if (s < stable.length && Arrays.equals(stable[s], key)) {
                s++;
            }
            previous = key;
        }
        if (s < stable.length && (to == null || Arrays.compareUnsigned(stable[s], to) < 0)) {
            throw new AssertionError("walk missed " + new String(stable[s]) + " at its end");
        }
    }

    private static int firstAtLeast(byte[][] sorted, byte[] key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(sorted[mid], key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
