package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Files past 2 GB are read through several maps; reads that straddle a map border are stitched. */
class MappedFileTest {
    @TempDir
    Path dir;

    @Test
    void readsAcrossMapBordersOfAFileOverTwoGigabytes() throws IOException {
        Path p = dir.resolve("sparse");
        long border = 1L << MappedFile.CHUNK_SHIFT;
        long size = 3 * border + 100; // sparse: takes almost no disk
        byte[] marker = {1, 2, 3, 4, 5, 6, 7, 8};
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
            f.seek(border - 4);
            f.write(marker);
            f.seek(2 * border + 12345);
            f.write(marker);
            f.seek(size - 8);
            f.write(marker);
        }
        MappedFile m = new MappedFile(p);
        try {
            assertEquals(size, m.size());
            assertArrayEquals(marker, m.read(border - 4, 8));
            ByteBuffer straddling = m.slice(border - 4, 8);
            byte[] b = new byte[8];
            straddling.get(b);
            assertArrayEquals(marker, b);
            assertArrayEquals(marker, m.read(2 * border + 12345, 8));
            assertArrayEquals(marker, m.read(size - 8, 8));
            assertThrows(StorageException.class, () -> m.read(size - 4, 8));
        } finally {
            m.unmap();
        }
    }
}
