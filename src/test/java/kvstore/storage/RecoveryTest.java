package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.set;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reopening after clean closes and after damaged logs. */
class RecoveryTest {
    @TempDir
    Path dir;

    /** Writes a log segment by hand, as a crashed engine would have left it (no manifest, no tables). */
    private Path crashedLog(int n) throws IOException {
        try (CommitLog log = new CommitLog(dir, FsyncPolicy.NO, 1 << 20, 1)) {
            for (int i = 0; i < n; i++) {
                log.append(CommitLog.OP_PUT, b("key" + i), SiblingSetCodecHelper.encode("v" + i));
            }
            log.append(CommitLog.OP_REMOVE, b("key0"), null);
        }
        return CommitLog.segmentPath(dir, 1);
    }

    @Test
    void reopenKeepsEverything() {
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            for (int i = 0; i < 20_000; i++) {
                e.put(b("key" + i), set("v" + i));
            }
            for (int i = 0; i < 20_000; i += 3) {
                e.remove(b("key" + i));
            }
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            for (int i = 0; i < 20_000; i++) {
                assertEquals(i % 3 == 0 ? null : "v" + i, value(e.get(b("key" + i))), "key" + i);
            }
        }
    }

    @Test
    void logIsReplayedWithoutSync() throws IOException {
        crashedLog(100);
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertNull(e.get(b("key0")));
            assertEquals("v99", value(e.get(b("key99"))));
        }
    }

    @Test
    void truncatedLogRecovers() throws IOException {
        Path f = crashedLog(100);
        long size = Files.size(f);
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 3); // the last record (remove key0) is torn
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertEquals("v0", value(e.get(b("key0"))), "the torn remove is cut");
            assertEquals("v99", value(e.get(b("key99"))));
            e.put(b("new"), set("after"));
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertEquals("after", value(e.get(b("new"))));
            assertEquals("v99", value(e.get(b("key99"))));
        }
    }

    @Test
    void midLogCorruptionIsReportedUnlessSkipped() throws IOException {
        Path f = crashedLog(100);
        byte[] bytes = Files.readAllBytes(f);
        int at = TableTest.indexOf(bytes, b("key50"));
        bytes[at + 1] ^= 0x04;
        Files.write(f, bytes);
        LogCorruptionException ex = assertThrows(LogCorruptionException.class, () -> new LsmEngine(dir, TestData.small()));
        assertTrue(ex.getMessage().contains(f.toString()), ex.getMessage());
        assertTrue(ex.offset() > 0 && ex.offset() < at, ex.getMessage());
        try (LsmEngine e = new LsmEngine(dir, TestData.small().withSkipCorruptLog(true))) {
            assertNull(e.get(b("key50")));
            assertEquals("v51", value(e.get(b("key51"))));
            assertNull(e.get(b("key0")));
        }
    }

    @Test
    void corruptionBeforeALaterSegmentIsNotATornTail() throws IOException {
        Path f = crashedLog(10);
        try (CommitLog log = new CommitLog(dir, FsyncPolicy.NO, 1 << 20, 2)) {
            log.append(CommitLog.OP_PUT, b("later"), SiblingSetCodecHelper.encode("x"));
        }
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(f) - 3);
        }
        assertThrows(LogCorruptionException.class, () -> new LsmEngine(dir, TestData.small()));
    }

    @Test
    void flippedBitInATableIsAnErrorNotWrongData() throws IOException {
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            for (int i = 0; i < 500; i++) {
                e.put(b("key" + i), set("value-" + i));
            }
            e.compactAll();
        }
        Path table;
        try (var s = Files.list(dir)) {
            table = s.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(table);
        int at = TableTest.indexOf(bytes, b("value-250"));
        bytes[at + 7] ^= 0x01;
        Files.write(table, bytes);
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertThrows(TableCorruptException.class, () -> e.get(b("key250")));
            assertThrows(TableCorruptException.class, () -> {
                try (EngineCursor c = e.range(new byte[0], null)) {
                    while (c.next()) {
                        assertTrue(!value(c.value()).equals("value-251") || true);
                    }
                }
            });
        }
    }

    @Test
    void largeValueSurvivesLogReplayFlushAndCompaction() throws IOException {
        byte[] big = new byte[64 << 20];
        new java.util.Random(11).nextBytes(big);
        // as a crashed engine leaves it: the value only in the commit log
        try (CommitLog log = new CommitLog(dir, FsyncPolicy.NO, 1 << 20, 1)) {
            log.append(CommitLog.OP_PUT, b("a"), SiblingSetCodecHelper.encode("small"));
            log.append(CommitLog.OP_PUT, b("big"), kvstore.version.SiblingSetCodec.encode(TestData.set(big)));
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertTrue(java.util.Arrays.equals(big, e.get(b("big")).winner().value()));
            e.put(b("c"), set("after"));
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertTrue(java.util.Arrays.equals(big, e.get(b("big")).winner().value()));
            e.compactAll();
            assertTrue(java.util.Arrays.equals(big, e.get(b("big")).winner().value()));
            assertEquals("after", value(e.get(b("c"))));
            int n = 0;
            try (EngineCursor c = e.range(new byte[0], null)) {
                while (c.next()) {
                    n++;
                }
            }
            assertEquals(3, n);
        }
    }
}
