package kvstore.keyspace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseMapTest {
    @TempDir
    Path dir;

    @Test
    void startsAsIdentityAndSwapsDurably() throws IOException {
        Path file = dir.resolve("databases");
        DatabaseMap map = DatabaseMap.open(file, 4, true);
        assertFalse(map.swapped());
        assertFalse(Files.exists(file));
        map.swap(0, 3);
        map.swap(3, 1);
        assertEquals(3, map.stored(0));
        assertEquals(0, map.stored(1));
        assertEquals(1, map.stored(3));
        assertEquals("3 0 2 1\n", Files.readString(file, StandardCharsets.US_ASCII));
        DatabaseMap again = DatabaseMap.open(file, 4, true);
        assertTrue(again.swapped());
        for (int db = 0; db < 4; db++) {
            assertEquals(map.stored(db), again.stored(db));
        }
        assertFalse(Files.exists(dir.resolve("databases.tmp")));
    }

    @Test
    void engineWithoutDataDropsTheMap() throws IOException {
        Path file = dir.resolve("databases");
        DatabaseMap.open(file, 4, true).swap(0, 1);
        DatabaseMap fresh = DatabaseMap.open(file, 4, false);
        assertFalse(fresh.swapped());
        assertFalse(Files.exists(file));
    }

    @Test
    void refusesDamagedFilesAndChangedCounts() throws IOException {
        Path file = dir.resolve("databases");
        for (String bad : new String[] {"0 1 x 3\n", "0 1 1 3\n", "0 1 2 4\n", "\n"}) {
            Files.writeString(file, bad);
            IOException e = assertThrows(IOException.class, () -> DatabaseMap.open(file, 4, true));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
        Files.writeString(file, "1 0 2 3\n");
        IOException e = assertThrows(IOException.class, () -> DatabaseMap.open(file, 8, true));
        assertTrue(e.getMessage().contains("set databases back to 4"), e.getMessage());
        Files.writeString(file, "0 1 2 3\n"); // unswapped: any count will do
        assertEquals(7, DatabaseMap.open(file, 8, true).stored(7));
    }
}
