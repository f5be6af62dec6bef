package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static kvstore.storage.TestData.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableTest {
    @TempDir
    Path dir;

    private static byte[] key(int i) {
        return b(String.format("key%08d", i));
    }

    private static byte[] val(int i) {
        return b("value-" + i + "-" + "y".repeat(i % 50));
    }

    private Path write(int n, int blockSize) throws IOException {
        Path p = TableWriter.tablePath(dir, 7);
        try (TableWriter w = new TableWriter(p, blockSize, 10, null)) {
            for (int i = 0; i < n; i++) {
                w.add(key(i), i % 10 == 3 ? InternalIterator.TOMBSTONE : val(i));
            }
            w.finish();
        }
        return p;
    }

    @Test
    void roundTripGetAndIterate() throws IOException {
        Path p = write(10_000, 1024);
        SSTable t = SSTable.open(p, 7);
        try {
            assertEquals(10_000, t.entries());
            assertArrayEquals(key(0), t.firstKey());
            assertArrayEquals(key(9999), t.lastKey());
            for (int i = 0; i < 10_000; i++) {
                byte[] v = t.get(key(i), BloomFilter.hash(key(i)));
                if (i % 10 == 3) {
                    assertSame(InternalIterator.TOMBSTONE, v);
                } else {
                    assertArrayEquals(val(i), v, "key " + i);
                }
            }
            assertNull(t.get(b("key"), BloomFilter.hash(b("key"))));
            assertNull(t.get(b("zzz"), BloomFilter.hash(b("zzz"))));
            assertNull(t.get(b("key00000000x"), BloomFilter.hash(b("key00000000x"))));
            int i = 0;
            for (InternalIterator it = t.iterator(null); it.valid(); it.next(), i++) {
                assertArrayEquals(key(i), it.key());
            }
            assertEquals(10_000, i);
            InternalIterator it = t.iterator(b("key00005000a"));
            assertArrayEquals(key(5001), it.key());
            assertFalse(t.iterator(b("zz")).valid());
            // a bounded walk stops before its end key, across blocks
            i = 4990;
            for (it = t.iterator(key(4990), key(5200)); it.valid(); it.next(), i++) {
                assertArrayEquals(key(i), it.key());
            }
            assertEquals(5200, i);
            assertFalse(t.iterator(key(10), key(10)).valid());
            assertTrue(t.intersects(null, null));
            assertTrue(t.intersects(key(9999), null));
            assertFalse(t.intersects(b("key00009999a"), null));
            assertFalse(t.intersects(null, key(0)));
            assertTrue(t.intersects(null, b("key00000000a")));
        } finally {
            t.release();
        }
    }

    @Test
    void sixtyFourMegabyteValue() throws IOException {
        byte[] big = new byte[64 << 20];
        new Random(3).nextBytes(big);
        Path p = TableWriter.tablePath(dir, 9);
        try (TableWriter w = new TableWriter(p, 4096, 10, null)) {
            w.add(b("a"), b("small"));
            w.add(b("big"), big);
            w.add(b("c"), b("after"));
            w.finish();
        }
        SSTable t = SSTable.open(p, 9);
        try {
            assertArrayEquals(big, t.get(b("big"), BloomFilter.hash(b("big"))));
            assertArrayEquals(b("after"), t.get(b("c"), BloomFilter.hash(b("c"))));
            InternalIterator it = t.iterator(null);
            it.next();
            assertArrayEquals(big, it.value());
        } finally {
            t.release();
        }
    }

    @Test
    void bloomFalsePositiveRateWithinBounds() {
        int n = 100_000;
        long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            hashes[i] = BloomFilter.hash(key(i));
        }
        BloomFilter f = BloomFilter.build(hashes, n, 10);
        for (int i = 0; i < n; i++) {
            assertTrue(f.mayContain(hashes[i]));
        }
        int fp = 0;
        int probes = 200_000;
        for (int i = 0; i < probes; i++) {
            if (f.mayContain(BloomFilter.hash(b("other" + i)))) {
                fp++;
            }
        }
        double rate = (double) fp / probes;
        // theory for 10 bits/key and 7 probes: 0.82%
        assertTrue(rate < 0.015, "false positive rate " + rate);
        assertTrue(rate > 0.002, "suspiciously low false positive rate " + rate);
    }

    @Test
    void flippedBitInABlockIsAnErrorNotWrongData() throws IOException {
        Path p = write(2000, 1024);
        byte[] file = Files.readAllBytes(p);
        byte[] target = val(1000);
        int at = indexOf(file, target);
        assertTrue(at > 0);
        file[at + 2] ^= 0x01;
        Files.write(p, file);
        SSTable t = SSTable.open(p, 7);
        try {
            TableCorruptException e = assertThrows(TableCorruptException.class,
                    () -> t.get(key(1000), BloomFilter.hash(key(1000))));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertArrayEquals(val(1), t.get(key(1), BloomFilter.hash(key(1))));
        } finally {
            t.release();
        }
    }

    @Test
    void damagedFooterOrIndexIsRejectedAtOpen() throws IOException {
        Path p = write(2000, 1024);
        byte[] good = Files.readAllBytes(p);
        for (int back : new int[] {1, 12, 30, TableWriter.FOOTER_SIZE + 3}) {
            byte[] bad = good.clone();
            bad[bad.length - back] ^= 0x40;
            Files.write(p, bad);
            assertThrows(TableCorruptException.class, () -> SSTable.open(p, 7), "byte -" + back);
        }
        Files.write(p, Arrays.copyOf(good, good.length - 5));
        assertThrows(TableCorruptException.class, () -> SSTable.open(p, 7));
        Files.write(p, new byte[10]);
        assertThrows(TableCorruptException.class, () -> SSTable.open(p, 7));
    }

    @Test
    void emptyTable() throws IOException {
        Path p = write(0, 1024);
        SSTable t = SSTable.open(p, 7);
        try {
            assertTrue(t.isEmpty());
            assertNull(t.get(b("a"), BloomFilter.hash(b("a"))));
            assertFalse(t.iterator(null).valid());
        } finally {
            t.release();
        }
    }

    @Test
    void keysMustIncrease() throws IOException {
        try (TableWriter w = new TableWriter(TableWriter.tablePath(dir, 1), 1024, 10, null)) {
            w.add(b("b"), b("1"));
            assertThrows(IllegalArgumentException.class, () -> w.add(b("a"), b("1")));
            assertThrows(IllegalArgumentException.class, () -> w.add(b("b"), b("1")));
        }
        assertFalse(Files.exists(TableWriter.tablePath(dir, 1)), "an unfinished table is deleted");
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
