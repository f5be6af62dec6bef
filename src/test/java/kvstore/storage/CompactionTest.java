package kvstore.storage;

import kvstore.version.SiblingSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.set;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactionTest {
    @TempDir
    Path dir;
    private LsmEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /** Purges sets whose every version is a tombstone, as an owner's grace-period policy would. */
    static final PurgePolicy ALL_TOMBSTONES = (key, value) -> value.versions().stream().allMatch(v -> v.isTombstone());

    private LsmEngine open(LsmOptions o) {
        engine = new LsmEngine(dir, o);
        return engine;
    }

    private long tableBytes() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".sst")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static int tables(LsmEngine e) {
        return e.stats().tablesPerLevel().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void newestWins() {
        LsmEngine e = open(TestData.small());
        e.put(b("k"), set("v1"));
        e.put(b("other"), set("o"));
        e.sync();
        e.put(b("k"), set("v2"));
        e.sync();
        e.put(b("k"), set("v3"));
        e.sync();
        assertEquals(3, e.stats().tablesPerLevel().get(0));
        e.compactAll();
        assertEquals(1, tables(e));
        assertEquals(1, e.stats().tablesPerLevel().get(TestData.small().levels() - 1));
        assertEquals("v3", value(e.get(b("k"))));
        assertEquals("o", value(e.get(b("other"))));
        assertEquals(2, e.approximateSize());
    }

    @Test
    void tombstonesAreDroppedOnlyAtTheBottom() {
        // every flush triggers a level-0 compaction into level 1
        LsmEngine e = open(TestData.small().withLevel0(1, 12));
        e.put(b("deep"), set("old"));
        e.compactAll(); // "deep" now lives in the bottom level
        e.remove(b("deep"));
        e.remove(b("nowhere"));
        e.sync();
        e.awaitCompactions();
        assertEquals(0, e.stats().tablesPerLevel().get(0));
        assertTrue(e.stats().tablesPerLevel().get(1) > 0);
        // kept in level 1 because the bottom level still holds an older value ...
        assertSame(InternalIterator.TOMBSTONE, e.getRaw(b("deep")));
        assertNull(e.get(b("deep")));
        // ... but dropped where nothing older exists
        assertNull(e.getRaw(b("nowhere")));
        e.compactAll();
        assertNull(e.getRaw(b("deep")));
        assertEquals(0, tables(e));
    }

    @Test
    void purgePolicyIsHonored() {
        LsmEngine e = open(TestData.small().withLevel0(1, 12).withPurgePolicy(ALL_TOMBSTONES));
        e.put(b("old"), set("before"));
        e.compactAll();
        SiblingSet dead = TestData.tombstoneSet();
        e.put(b("dead"), dead);
        e.put(b("live"), set("here"));
        e.put(b("old"), dead);
        e.sync();
        e.awaitCompactions();
        // "dead" has nothing below it: purged; "old" has an older value below: turned into an engine tombstone
        assertNull(e.getRaw(b("dead")));
        assertSame(InternalIterator.TOMBSTONE, e.getRaw(b("old")));
        assertNull(e.get(b("old")));
        assertEquals("here", value(e.get(b("live"))));
        e.compactAll();
        assertNull(e.getRaw(b("old")));
        assertEquals("here", value(e.get(b("live"))));
    }

    @Test
    void neverPolicyKeepsTombstoneVersions() {
        LsmEngine e = open(TestData.small());
        e.put(b("dead"), TestData.tombstoneSet());
        e.compactAll();
        SiblingSet s = e.get(b("dead"));
        assertTrue(s != null && s.versions().get(0).isTombstone());
    }

    @Test
    void diskSpaceIsReclaimedAfterOverwriteAndDelete() throws IOException {
        LsmEngine e = open(TestData.small());
        byte[] v = new byte[200];
        for (int i = 0; i < 10_000; i++) {
            e.put(b("key" + i), set(v));
        }
        e.compactAll();
        long once = tableBytes();
        assertTrue(once > 2_000_000, "tables hold the data: " + once);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 10_000; i++) {
                e.put(b("key" + i), set(v));
            }
        }
        e.compactAll();
        long after = tableBytes();
        assertTrue(after < once * 1.1, "overwrites reclaimed: " + after + " vs " + once);
        for (int i = 0; i < 10_000; i++) {
            e.remove(b("key" + i));
        }
        e.compactAll();
        assertTrue(tableBytes() < 10_000, "deletes reclaimed: " + tableBytes());
        assertNull(e.get(b("key5")));
    }

    @Test
    void openCursorKeepsReplacedTablesReadable() {
        LsmEngine e = open(TestData.small());
        for (int i = 0; i < 2000; i++) {
            e.put(b(String.format("k%05d", i)), set("v" + i));
        }
        e.sync();
        int seen = 0;
        try (EngineCursor c = e.range(new byte[0], null)) {
            for (int i = 0; i < 1000 && c.next(); i++) {
                seen++;
            }
            for (int i = 0; i < 2000; i++) {
                e.remove(b(String.format("k%05d", i)));
            }
            e.compactAll(); // replaces (and would delete) every table the cursor reads
            while (c.next()) {
                assertEquals("v" + seen, value(c.value()));
                seen++;
            }
        }
        assertEquals(2000, seen);
        try (EngineCursor c = e.range(new byte[0], null)) {
            assertTrue(!c.next());
        }
    }

    @Test
    void backgroundCompactionKeepsLevelsInShapeAndDataIntact() {
        LsmEngine e = open(TestData.small());
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 60_000; i++) {
            e.put(b("key" + r.nextInt(20_000)), set("v" + i));
        }
        e.sync();
        e.awaitCompactions();
        EngineStats st = e.stats();
        assertTrue(st.tablesPerLevel().get(0) < TestData.small().level0Trigger(), st.toString());
        assertTrue(st.compactions() > 0, st.toString());
        r = new java.util.Random(7);
        java.util.Map<String, String> model = new java.util.HashMap<>();
        for (int i = 0; i < 60_000; i++) {
            model.put("key" + r.nextInt(20_000), "v" + i);
        }
        model.forEach((k, v) -> assertEquals(v, value(e.get(b(k))), k));
    }
}
