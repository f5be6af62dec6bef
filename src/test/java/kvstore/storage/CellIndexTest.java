package kvstore.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class CellIndexTest {
    private static byte[] key(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static MemCell cell(int i) {
        return new MemCell(BloomFilter.hash(key(i)), key(i), new byte[] {1});
    }

    @Test
    void growsAndFindsEveryKeyByContent() {
        CellIndex index = new CellIndex();
        MemCell[] cells = new MemCell[10_000];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = cell(i);
            index.add(cells[i]);
        }
        for (int i = 0; i < cells.length; i++) {
            assertSame(cells[i], index.get(key(i), BloomFilter.hash(key(i))), "a fresh array with the same bytes finds it");
        }
        assertNull(index.get(key(-1), BloomFilter.hash(key(-1))));
    }

    @Test
    void keysWhoseHashesCollideAreTellApartByTheirBytes() {
        CellIndex index = new CellIndex();
        MemCell a = new MemCell(42, key(1), new byte[] {1});
        MemCell b = new MemCell(42, key(2), new byte[] {2});
        index.add(a);
        index.add(b);
        assertSame(a, index.get(key(1), 42));
        assertSame(b, index.get(key(2), 42));
        assertNull(index.get(key(3), 42));
    }

    @Test
    void aRemovedCellMatchesNoKeyAndARebuildKeepsTheLiveOnes() {
        CellIndex index = new CellIndex();
        for (int i = 0; i < 1000; i++) {
            MemCell c = cell(i);
            index.add(c);
            if (i % 2 == 0) {
                c.set(key(i), null);
                index.markRemoved();
                assertNull(index.get(key(i), BloomFilter.hash(key(i))));
            }
        }
        MemCell again = cell(0); // written again after its removal: a new cell
        index.add(again);
        assertSame(again, index.get(key(0), BloomFilter.hash(key(0))));
        for (int i = 1000; i < 3000; i++) { // enough adds to rebuild several times
            index.add(cell(i));
        }
        for (int i = 1; i < 1000; i++) {
            MemCell c = index.get(key(i), BloomFilter.hash(key(i)));
            if (i % 2 == 0) {
                assertNull(c);
            } else {
                assertArrayEquals(new byte[] {1}, c.value());
            }
        }
    }

    @Test
    void readersSeeEveryAddedCellWhileTheTableGrows() throws Exception {
        CellIndex index = new CellIndex();
        int n = 200_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        MemCell[] cells = new MemCell[n];
        java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> {
            java.util.Random r = new java.util.Random(1);
            while (!done.get() && failure.get() == null) {
                int upTo = published.get();
                if (upTo == 0) {
                    continue;
                }
                int i = r.nextInt(upTo);
                if (index.get(key(i), BloomFilter.hash(key(i))) != cells[i]) {
                    failure.set("key " + i + " of " + upTo + " published was not found");
                }
            }
        });
        reader.start();
        for (int i = 0; i < n; i++) {
            cells[i] = cell(i);
            index.add(cells[i]);
            published.set(i + 1);
        }
        done.set(true);
        reader.join();
        assertNull(failure.get());
    }
}
