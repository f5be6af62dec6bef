package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.set;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writers, point readers and cursors at once while flushes and compactions replace tables underneath. */
class ConcurrentAccessTest {
    @TempDir
    Path dir;

    @Test
    void readersSeeEveryFinishedWriteWhileTablesChange() throws Exception {
        LsmEngine e = new LsmEngine(dir, TestData.small().withMemtableSize(32 * 1024));
        int perThread = 15_000;
        long[] progress = new long[4];
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    e.put(b("t" + id + "-" + i), set("v" + i));
                    synchronized (progress) {
                        progress[id] = i;
                    }
                }
            }));
        }
        Thread reader = new Thread(() -> {
            java.util.Random r = new java.util.Random(5);
            try {
                while (!done.get()) {
                    int id = r.nextInt(4);
                    long upTo;
                    synchronized (progress) {
                        upTo = progress[id];
                    }
                    if (upTo > 0) {
                        long i = r.nextLong(upTo);
                        assertEquals("v" + i, value(e.get(b("t" + id + "-" + i))));
                    }
                    try (EngineCursor c = e.range(b("t" + id + "-"), b("t" + id + ".."))) {
                        byte[] prev = null;
                        for (int n = 0; n < 50 && c.next(); n++) {
                            assertTrue(prev == null || Arrays.compareUnsigned(prev, c.key()) < 0);
                            prev = c.key();
                        }
                    }
                }
            } catch (Throwable ex) {
                failure.set(ex);
            }
        });
        reader.start();
        writers.forEach(Thread::start);
        for (Thread w : writers) {
            w.join();
        }
        done.set(true);
        reader.join();
        assertNull(failure.get());
        for (int t = 0; t < 4; t++) {
            for (int i = 0; i < perThread; i++) {
                assertEquals("v" + i, value(e.get(b("t" + t + "-" + i))));
            }
        }
        assertTrue(e.stats().flushes() > 10);
        e.close();
    }

    @Test
    void writersAreSlowedNotFailedWhenCompactionLags() {
        // compaction limited to 32 KB/s cannot keep up: level 0 reaches the stall mark and writers wait
        LsmOptions o = TestData.small().withMemtableSize(4 * 1024).withLevel0(2, 3)
                .withCompactionBytesPerSec(32 * 1024).withMaxStallMillis(20);
        try (LsmEngine e = new LsmEngine(dir, o)) {
            long start = System.nanoTime();
            int n = 0;
            while (n < 20_000 && e.stats().writeStalls() < 10) {
                e.put(b("key" + n), set("value-" + n));
                n++;
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            EngineStats st = e.stats();
            assertTrue(st.writeStalls() >= 10, st.toString());
            assertTrue(ms >= 10 * 20 / 2, "stalled writes took only " + ms + " ms");
            for (int i = 0; i < n; i += 7) {
                assertEquals("value-" + i, value(e.get(b("key" + i))));
            }
        }
    }

    @Test
    void aValueOverwrittenInPlaceIsReadWholeOrNotAtAll() throws Exception {
        // values of one length, so the memtable copies each over the last in place
        String[] values = {"a".repeat(64), "b".repeat(64), "c".repeat(64)};
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            byte[] key = b("k");
            e.put(key, set(values[0]));
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(new Thread(() -> {
                    try {
                        while (!done.get()) {
                            String v = value(e.get(key));
                            String w = new String(e.getWinner(key).value(), java.nio.charset.StandardCharsets.UTF_8);
                            assertTrue(List.of(values).contains(v), v);
                            assertTrue(List.of(values).contains(w), w);
                        }
                    } catch (Throwable x) {
                        failure.compareAndSet(null, x);
                    }
                }));
            }
            readers.forEach(Thread::start);
            for (int i = 0; i < 200_000 && failure.get() == null; i++) {
                e.put(key, set(values[i % values.length]));
            }
            done.set(true);
            for (Thread r : readers) {
                r.join();
            }
            assertNull(failure.get());
        }
    }
}
