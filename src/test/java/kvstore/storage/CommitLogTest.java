package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitLogTest {
    @TempDir
    Path dir;

    record Rec(byte op, byte[] key, byte[] value) {
    }

    static List<Rec> replay(Path file, boolean skip) throws IOException {
        List<Rec> out = new ArrayList<>();
        CommitLog.replay(file, skip, (op, k, v) -> out.add(new Rec(op, k, v)));
        return out;
    }

    private Path write(int n) throws IOException {
        try (CommitLog log = new CommitLog(dir, FsyncPolicy.NO, 1 << 20, 1)) {
            for (int i = 0; i < n; i++) {
                log.append(i % 5 == 4 ? CommitLog.OP_REMOVE : CommitLog.OP_PUT, ("key" + i).getBytes(),
                        i % 5 == 4 ? null : ("value-" + i).getBytes());
            }
        }
        return CommitLog.segmentPath(dir, 1);
    }

    @Test
    void roundTrip() throws IOException {
        Path f = write(100);
        List<Rec> recs = replay(f, false);
        assertEquals(100, recs.size());
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(("key" + i).getBytes(), recs.get(i).key());
            if (i % 5 == 4) {
                assertEquals(CommitLog.OP_REMOVE, recs.get(i).op());
                assertNull(recs.get(i).value());
            } else {
                assertArrayEquals(("value-" + i).getBytes(), recs.get(i).value());
            }
        }
    }

    @Test
    void largeRecordRoundTrip() throws IOException {
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        try (CommitLog log = new CommitLog(dir, FsyncPolicy.ALWAYS, 1 << 20, 1)) {
            log.awaitDurable(log.append(CommitLog.OP_PUT, "big".getBytes(), big));
        }
        List<Rec> recs = replay(CommitLog.segmentPath(dir, 1), false);
        assertEquals(1, recs.size());
        assertArrayEquals(big, recs.get(0).value());
    }

    @Test
    void tornTailIsReportedForCutting() throws IOException {
        Path f = write(10);
        long full = Files.size(f);
        // the last record (a remove of key9) is 14 bytes long
        for (long cut = full - 1; cut > full - 14; cut--) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            CommitLog.ReplayResult r = CommitLog.replay(f, false, (op, k, v) -> { });
            assertTrue(r.tornTail());
            assertEquals(9, r.records());
            assertTrue(r.validBytes() < cut);
        }
    }

    @Test
    void garbageTailIsTorn() throws IOException {
        Path f = write(10);
        long full = Files.size(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3, 4, 1, 2}));
        }
        CommitLog.ReplayResult r = CommitLog.replay(f, false, (op, k, v) -> { });
        assertTrue(r.tornTail());
        assertEquals(full, r.validBytes());
        CommitLog.truncate(f, r.validBytes());
        assertEquals(10, replay(f, false).size());
    }

    @Test
    void midLogCorruptionNamesFileAndOffset() throws IOException {
        Path f = write(10);
        byte[] b = Files.readAllBytes(f);
        // record 0 is 8 + 1 + 1 + 4 + 7 = 21 bytes; flip a bit in the payload of record 1
        int second = 21;
        b[second + 12] ^= 0x10;
        Files.write(f, b);
        LogCorruptionException e = assertThrows(LogCorruptionException.class, () -> replay(f, false));
        assertEquals(second, e.offset());
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("offset " + second),
                e.getMessage());
    }

    @Test
    void skipFlagSkipsTheBadRecord() throws IOException {
        Path f = write(10);
        byte[] b = Files.readAllBytes(f);
        b[21 + 12] ^= 0x10;
        Files.write(f, b);
        List<Rec> recs = replay(f, true);
        assertEquals(9, recs.size());
        assertArrayEquals("key0".getBytes(), recs.get(0).key());
        assertArrayEquals("key2".getBytes(), recs.get(1).key());
    }

    @Test
    void groupCommitAcknowledgesConcurrentWriters() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (CommitLog log = new CommitLog(dir, FsyncPolicy.ALWAYS, 1 << 20, 1)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        long ticket;
                        synchronized (log) {
                            ticket = log.append(CommitLog.OP_PUT, ("k" + id + "-" + i).getBytes(), new byte[] {1});
                        }
                        log.awaitDurable(ticket);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            assertTrue(log.lastFsyncMillis() > 0);
        } finally {
            pool.shutdown();
        }
        assertEquals(400, replay(CommitLog.segmentPath(dir, 1), false).size());
    }

    @Test
    void rotationStartsANewSegment() throws IOException {
        try (CommitLog log = new CommitLog(dir, FsyncPolicy.EVERYSEC, 1024, 1)) {
            log.append(CommitLog.OP_PUT, "a".getBytes(), new byte[] {1});
            log.rotate(2);
            log.append(CommitLog.OP_PUT, "b".getBytes(), new byte[] {2});
        }
        assertEquals(1, replay(CommitLog.segmentPath(dir, 1), false).size());
        assertEquals(1, replay(CommitLog.segmentPath(dir, 2), false).size());
        assertTrue(CommitLog.hasValidRecord(CommitLog.segmentPath(dir, 2)));
    }
}
