package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.set;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A delete of a key only the active memtable holds leaves nothing; one that a table holds leaves a tombstone. */
class DeleteWithoutTombstoneTest {
    @TempDir
    Path dir;

    private static long memtableBytes(LsmEngine e) {
        return Long.parseLong(e.info().get("kvstore_memtable_bytes"));
    }

    @Test
    void keysOnlyInTheMemtableAreDroppedOutright() {
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            long empty = memtableBytes(e);
            for (int i = 0; i < 100; i++) {
                e.put(b("k" + i), set("v" + i));
            }
            for (int i = 0; i < 100; i++) {
                e.remove(b("k" + i));
            }
            assertEquals(empty, memtableBytes(e), "no tombstones left behind");
            try (EngineCursor c = e.range(b("k"), null)) {
                assertEquals(false, c.next());
            }
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertNull(e.get(b("k5")), "the log replays the delete");
        }
    }

    @Test
    void keysATableHoldsGetATombstoneThatOutlivesARestart() {
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            e.put(b("old"), set("in a table"));
            e.sync(); // flushed to a table
            long before = memtableBytes(e);
            e.remove(b("old"));
            assertNull(e.get(b("old")));
            assertEquals(true, memtableBytes(e) > before, "a tombstone hides the table's value");
            e.put(b("new"), set("x"));
            e.remove(b("new"));
            assertNull(e.get(b("new")));
        }
        try (LsmEngine e = new LsmEngine(dir, TestData.small())) {
            assertNull(e.get(b("old")));
            assertEquals(null, value(e.get(b("new"))));
        }
    }
}
