package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.set;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data block layout with restart points (type 0x02), and reading the older layout (type 0x01). */
class BlockFormatTest {
    private static final int K = TableWriter.RESTART_INTERVAL;

    @TempDir
    Path dir;

    /** Even numbers only, so that the odd ones fall between two stored keys. */
    private static byte[] key(int i) {
        return b(String.format("key%08d", 2 * i));
    }

    private static byte[] between(int i) {
        return b(String.format("key%08d", 2 * i + 1));
    }

    private static byte[] val(int i) {
        return b("v" + i + "-" + "x".repeat(i % 37));
    }

    private static List<byte[][]> entries(int n) {
        List<byte[][]> es = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            es.add(new byte[][] {key(i), i % 7 == 5 ? InternalIterator.TOMBSTONE : val(i)});
        }
        return es;
    }

    private Path write(long number, int blockSize, List<byte[][]> es) throws IOException {
        Path p = TableWriter.tablePath(dir, number);
        try (TableWriter w = new TableWriter(p, blockSize, 10, null)) {
            for (byte[][] e : es) {
                w.add(e[0], e[1]);
            }
            w.finish();
        }
        return p;
    }

    private static byte[] get(SSTable t, byte[] key) {
        return t.get(key, BloomFilter.hash(key));
    }

    private static void assertValue(byte[] expected, byte[] actual, String what) {
        if (InternalIterator.isTombstone(expected)) {
            assertSame(InternalIterator.TOMBSTONE, actual, what);
        } else {
            assertArrayEquals(expected, actual, what);
        }
    }

    /** Every key, every gap between keys, and both ends, through get and through iterator seeks. */
    private static void assertReadsExactly(SSTable t, List<byte[][]> es) {
        int n = es.size();
        for (int i = 0; i < n; i++) {
            assertValue(es.get(i)[1], get(t, key(i)), "get key " + i);
            assertNull(get(t, between(i)), "get between " + i + " and " + (i + 1));
            InternalIterator at = t.iterator(key(i));
            assertArrayEquals(key(i), at.key(), "seek to key " + i);
            assertValue(es.get(i)[1], at.value(), "value after seek to key " + i);
            InternalIterator after = t.iterator(between(i));
            if (i + 1 < n) {
                assertArrayEquals(key(i + 1), after.key(), "seek between " + i + " and " + (i + 1));
            } else {
                assertFalse(after.valid(), "seek after the last key");
            }
        }
        for (byte[] before : new byte[][] {new byte[0], b("a"), b("key"), b("key0000000")}) {
            assertNull(get(t, before));
            if (n > 0) {
                assertArrayEquals(key(0), t.iterator(before).key());
            }
        }
        for (byte[] after : new byte[][] {b("key99999999"), b("zzz"), {(byte) 0xff}}) {
            assertNull(get(t, after));
            assertFalse(t.iterator(after).valid());
        }
        int i = 0;
        for (InternalIterator it = t.iterator(null); it.valid(); it.next(), i++) {
            assertArrayEquals(key(i), it.key());
            assertValue(es.get(i)[1], it.value(), "iterated value " + i);
        }
        assertEquals(n, i);
    }

    @ParameterizedTest(name = "{0} entries, {1}-byte blocks")
    @CsvSource({"1, 4096", "15, 4096", "16, 4096", "17, 4096", "33, 4096", "1000, 256", "1000, 1024",
            "3000, 4096", "200, 1048576"})
    void seekToEveryKeyBetweenKeysAndPastBothEnds(int n, int blockSize) throws IOException {
        List<byte[][]> es = entries(n);
        SSTable t = SSTable.open(write(1, blockSize, es), 1);
        try {
            assertReadsExactly(t, es);
        } finally {
            t.release();
        }
    }

    @ParameterizedTest(name = "{0} entries, {1}-byte blocks")
    @CsvSource({"1, 4096", "17, 4096", "1000, 256", "3000, 4096", "200, 1048576"})
    void oldTablesWithoutRestartsStayReadable(int n, int blockSize) throws IOException {
        List<byte[][]> es = entries(n);
        Path p = TableWriter.tablePath(dir, 2);
        LegacyTableWriter.write(p, blockSize, es);
        assertEquals(TableWriter.BLOCK_PREFIX, Files.readAllBytes(p)[0], "the file starts with an old block");
        SSTable t = SSTable.open(p, 2);
        try {
            assertReadsExactly(t, es);
        } finally {
            t.release();
        }
    }

    @Test
    void blockEndsWithARestartEveryKEntries() throws IOException {
        for (int n : new int[] {1, K - 1, K, K + 1, 100}) {
            Path p = write(n, 1 << 20, entries(n));
            byte[] file = Files.readAllBytes(p);
            ByteBuffer footer = ByteBuffer.wrap(file, file.length - TableWriter.FOOTER_SIZE, TableWriter.FOOTER_SIZE);
            int len = (int) footer.getLong(); // one block and no blobs: the index starts where the block ends
            ByteBuffer block = ByteBuffer.wrap(file, 0, len);
            assertEquals(TableWriter.BLOCK_RESTARTS, block.get(0), n + " entries: block type");
            CRC32C c = new CRC32C();
            c.update(file, 0, len - 4);
            assertEquals((int) c.getValue(), block.getInt(len - 4), n + " entries: CRC covers the restart array");
            int restarts = block.getInt(len - 8);
            assertEquals((n + K - 1) / K, restarts, n + " entries: restart count");
            int arrayAt = len - 8 - 4 * restarts;
            for (int r = 0; r < restarts; r++) {
                int off = block.getInt(arrayAt + 4 * r);
                byte[] k = key(r * K);
                assertEquals(0, file[off], "restart " + r + " shares nothing");
                assertEquals(k.length, file[off + 1], "restart " + r + " stores the full key");
                assertArrayEquals(k, Arrays.copyOfRange(file, off + 2, off + 2 + k.length), "restart " + r);
            }
            Files.delete(p);
        }
    }

    @Test
    void hugeEntriesGetABlockOfTheirOwn() throws IOException {
        byte[] bigValue = new byte[TableWriter.BLOB_THRESHOLD - 1]; // the largest value kept inline
        new Random(5).nextBytes(bigValue);
        byte[] bigKey = b("key00000041" + "k".repeat(20_000)); // grows the reader's key buffer
        List<byte[][]> es = new ArrayList<>();
        TreeMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < 60; i++) {
            byte[] k = b(String.format("key%08d", i));
            byte[] v = i == 20 ? bigValue : val(i);
            es.add(new byte[][] {k, v});
            expected.put(k, v);
            if (i == 41) {
                es.add(new byte[][] {bigKey, val(999)});
                expected.put(bigKey, val(999));
            }
        }
        SSTable t = SSTable.open(write(3, 4096, es), 3);
        try {
            for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), get(t, e.getKey()));
                assertArrayEquals(e.getKey(), t.iterator(e.getKey()).key());
            }
            assertNull(get(t, b("key00000020a")));
            assertArrayEquals(b("key00000021"), t.iterator(b("key00000020a")).key());
            assertNull(get(t, b("key00000041k")));
            assertArrayEquals(bigKey, t.iterator(b("key00000041k")).key());
            assertArrayEquals(b("key00000042"), t.iterator(b("key00000041l")).key());
        } finally {
            t.release();
        }
    }

    /** Binary keys of many lengths with long shared prefixes, against a sorted map. */
    @Test
    void randomKeysMatchASortedMap() throws IOException {
        Random r = new Random(42);
        byte[][] prefixes = {new byte[0], b("user:"), b("user:1000:"), {0, 0, 0}, {(byte) 0xff, (byte) 0xff}};
        TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
        while (map.size() < 5000) {
            byte[] p = prefixes[r.nextInt(prefixes.length)];
            byte[] k = Arrays.copyOf(p, p.length + r.nextInt(30));
            for (int i = p.length; i < k.length; i++) {
                k[i] = (byte) (r.nextBoolean() ? r.nextInt(4) : r.nextInt(256));
            }
            byte[] v = new byte[r.nextInt(300)];
            r.nextBytes(v);
            map.put(k, r.nextInt(10) == 0 ? InternalIterator.TOMBSTONE : v);
        }
        List<byte[][]> es = new ArrayList<>();
        map.forEach((k, v) -> es.add(new byte[][] {k, v}));
        Path fresh = write(4, 1024, es);
        Path old = TableWriter.tablePath(dir, 5);
        LegacyTableWriter.write(old, 1024, es);
        for (SSTable t : new SSTable[] {SSTable.open(fresh, 4), SSTable.open(old, 5)}) {
            try {
                for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
                    assertValue(e.getValue(), get(t, e.getKey()), t.path() + " get");
                }
                for (int i = 0; i < 20_000; i++) {
                    byte[] probe = new byte[r.nextInt(14)];
                    for (int j = 0; j < probe.length; j++) {
                        probe[j] = (byte) (j < 5 && r.nextBoolean() ? "user:".charAt(j) : r.nextInt(256));
                    }
                    byte[] want = map.get(probe);
                    byte[] got = get(t, probe);
                    if (want == null) {
                        assertNull(got);
                    } else {
                        assertValue(want, got, "probe");
                    }
                    byte[] ceiling = map.ceilingKey(probe);
                    InternalIterator it = t.iterator(probe);
                    if (ceiling == null) {
                        assertFalse(it.valid());
                    } else {
                        assertArrayEquals(ceiling, it.key());
                    }
                }
            } finally {
                t.release();
            }
        }
    }

    @Test
    void flippedBitInARestartArrayIsAnErrorEveryTime() throws IOException {
        Path p = write(6, 1 << 20, entries(100));
        byte[] file = Files.readAllBytes(p);
        int len = (int) ByteBuffer.wrap(file, file.length - TableWriter.FOOTER_SIZE, 8).getLong();
        file[len - 8 - 4 * 3 + 3] ^= 0x04; // the low byte of restart 4 (of 7)
        Files.write(p, file);
        SSTable t = SSTable.open(p, 6);
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThrows(TableCorruptException.class, () -> get(t, key(50)), "a failed check is not remembered");
            }
        } finally {
            t.release();
        }
    }

    @Test
    void flippedBitInAnOldBlockIsAnError() throws IOException {
        Path p = TableWriter.tablePath(dir, 7);
        LegacyTableWriter.write(p, 1024, entries(500));
        byte[] file = Files.readAllBytes(p);
        int at = TableTest.indexOf(file, val(251));
        assertTrue(at > 0);
        file[at + 1] ^= 0x01;
        Files.write(p, file);
        SSTable t = SSTable.open(p, 7);
        try {
            assertThrows(TableCorruptException.class, () -> get(t, key(251)));
            assertArrayEquals(val(1), get(t, key(1)));
        } finally {
            t.release();
        }
    }

    /** An engine opened over tables in the old layout reads them, and compaction rewrites them in the new one. */
    @Test
    void engineReadsOldTablesAndCompactsThemIntoNewOnes() throws IOException {
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            for (int i = 0; i < 3000; i++) {
                e.put(key(i), set("value-" + i));
            }
            e.compactAll();
        }
        List<Path> tables;
        try (var s = Files.list(dir)) {
            tables = s.filter(p -> p.toString().endsWith(".sst")).sorted().toList();
        }
        assertTrue(tables.size() > 1, "several tables");
        for (Path p : tables) {
            long number = TableWriter.tableNumber(p.getFileName().toString());
            List<byte[][]> es = new ArrayList<>();
            SSTable t = SSTable.open(p, number);
            try {
                for (InternalIterator it = t.iterator(null); it.valid(); it.next()) {
                    es.add(new byte[][] {it.key(), it.value()});
                }
            } finally {
                t.release();
            }
            Files.delete(p);
            LegacyTableWriter.write(p, 1024, es);
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            for (int i = 0; i < 3000; i++) {
                assertEquals("value-" + i, value(e.get(key(i))), "old table, key " + i);
                assertNull(e.get(between(i)));
            }
            for (int i = 0; i < 3000; i += 2) {
                e.put(key(i), set("new-" + i));
            }
            e.compactAll();
            for (int i = 0; i < 3000; i++) {
                assertEquals((i % 2 == 0 ? "new-" : "value-") + i, value(e.get(key(i))), "rewritten, key " + i);
            }
        }
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.filter(x -> x.toString().endsWith(".sst"))::iterator) {
                assertEquals(TableWriter.BLOCK_RESTARTS, Files.readAllBytes(p)[0], p + " was rewritten");
            }
        }
    }
}
