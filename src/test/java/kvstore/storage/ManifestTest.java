package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.set;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    @TempDir
    Path dir;

    @Test
    void writeReplacesAtomicallyAndReadsBack() throws IOException {
        assertNull(Manifest.read(dir, 3));
        Manifest.write(dir, new Manifest.State(4, List.of(List.of(9L, 8L), List.of(), List.of(2L))));
        Manifest.write(dir, new Manifest.State(11, List.of(List.of(12L), List.of(3L, 5L), List.of(2L))));
        Manifest.State s = Manifest.read(dir, 3);
        assertEquals(11, s.logStart());
        assertEquals(List.of(List.of(12L), List.of(3L, 5L), List.of(2L)), s.levels());
        assertFalse(Files.exists(dir.resolve(Manifest.TMP)));
    }

    @Test
    void leftoverTempFileIsIgnored() throws IOException {
        Manifest.write(dir, new Manifest.State(4, List.of(List.of(1L), List.of())));
        Files.writeString(dir.resolve(Manifest.TMP), "kvstore-manifest 1\nlog-start 99\n"); // crash mid-write
        Manifest.State s = Manifest.read(dir, 2);
        assertEquals(4, s.logStart());
        assertFalse(Files.exists(dir.resolve(Manifest.TMP)));
    }

    @Test
    void damagedManifestIsAnError() throws IOException {
        Manifest.write(dir, new Manifest.State(4, List.of(List.of(1L), List.of())));
        Path p = dir.resolve(Manifest.NAME);
        String text = Files.readString(p);
        Files.writeString(p, text.replace("table 0 1", "table 0 2"));
        StorageException e = assertThrows(StorageException.class, () -> Manifest.read(dir, 2));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void engineDeletesUnlistedTablesAndStaleSegments() throws IOException {
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            e.put(b("a"), set("1"));
            e.sync();
        }
        // leftovers of a crash mid-flush or mid-compaction: a finished but unlisted table, a half-written one
        Path orphan = TableWriter.tablePath(dir, 900);
        try (TableWriter w = new TableWriter(orphan, 1024, 10, null)) {
            w.add(b("a"), SiblingSetCodecHelper.encode("ghost"));
            w.finish();
        }
        Path half = TableWriter.tablePath(dir, 901);
        Files.write(half, new byte[100]);
        Path staleLog = CommitLog.segmentPath(dir, 0);
        Files.write(staleLog, new byte[0]);
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertEquals("1", value(e.get(b("a"))));
            assertFalse(Files.exists(orphan));
            assertFalse(Files.exists(half));
            assertFalse(Files.exists(staleLog));
        }
    }

    @Test
    void missingTableIsAClearError() throws IOException {
        long number;
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            e.put(b("a"), set("1"));
            e.sync();
            number = Manifest.read(dir, TestData.small().levels()).levels().get(0).get(0);
        }
        Files.delete(TableWriter.tablePath(dir, number));
        StorageException ex = assertThrows(StorageException.class, () -> new LsmEngine(dir, TestData.small()));
        assertTrue(ex.getMessage().contains("missing") && ex.getMessage().contains(String.valueOf(number)),
                ex.getMessage());
        // and the directory lock was released
        assertThrows(StorageException.class, () -> new LsmEngine(dir, TestData.small()));
    }

    @Test
    void secondEngineOnTheSameDirectoryIsRefused() {
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertThrows(StorageException.class, () -> new LsmEngine(dir, TestData.small()));
        }
    }
}
