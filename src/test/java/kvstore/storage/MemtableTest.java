package kvstore.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemtableTest {
    @Test
    void sortsUnsignedAndTracksSize() {
        Memtable m = new Memtable(5);
        assertEquals(5, m.firstSegment());
        m.put(b("\u00ff"), b("1"));
        m.put(b("a"), b("22"));
        m.put(b("\u0000"), b("333"));
        long before = m.bytes();
        assertEquals(3 * Memtable.ENTRY_OVERHEAD + 3 + 6, before);
        m.put(b("a"), b("4444"));
        assertEquals(before + 2, m.bytes(), "an overwrite counts only the difference");
        m.put(b("a"), InternalIterator.TOMBSTONE);
        assertSame(InternalIterator.TOMBSTONE, m.get(b("a")));
        assertNull(m.get(b("b")));
        List<String> keys = new ArrayList<>();
        for (InternalIterator it = m.iterator(null, null); it.valid(); it.next()) {
            keys.add(s(it.key()));
        }
        assertEquals(List.of("\u0000", "a", "\u00ff"), keys);
        InternalIterator it = m.iterator(b("\u0001"), b("\u00ff"));
        assertArrayEquals(b("a"), it.key());
        it.next();
        assertTrue(!it.valid());
    }

    @Test
    void aRemovedKeyIsGoneFromReadsAndWalksAndComesBackWhenWritten() {
        Memtable m = new Memtable(1);
        m.put(b("a"), b("1"));
        m.put(b("b"), b("2"));
        long before = m.bytes();
        m.removeEntry(b("a"));
        assertNull(m.get(b("a")));
        assertEquals(before - Memtable.ENTRY_OVERHEAD - 2, m.bytes());
        InternalIterator it = m.iterator(null, null);
        assertArrayEquals(b("b"), it.key());
        it.next();
        assertTrue(!it.valid());
        m.put(b("a"), b("3"));
        assertArrayEquals(b("3"), m.get(b("a")));
        assertEquals(before, m.bytes());
        assertEquals(2, m.size());
        m.removeEntry(b("zz")); // absent: nothing happens
        assertEquals(before, m.bytes());
    }

    /**
     * A walk reads an entry's value while on it: an overwrite of the same length (made in place) shows,
     * while a tombstone written meanwhile (a new entry) does not turn the entry the walk is on into one.
     */
    @Test
    void aWalkReadsTheValueOfTheEntryItIsOn() {
        Memtable m = new Memtable(1);
        m.put(b("k"), set("v1"));
        InternalIterator it = m.iterator(null, null);
        m.put(b("k"), set("v2"));
        assertArrayEquals(b("v2"), it.winnerValue());
        m.put(b("k"), InternalIterator.TOMBSTONE);
        assertFalse(it.tombstone());
        assertArrayEquals(b("v2"), it.winnerValue());
        assertArrayEquals(set("v2"), it.value());
        InternalIterator after = m.iterator(null, null);
        assertTrue(after.tombstone());
        assertNull(after.winnerValue());
    }

    private static byte[] set(String value) {
        return kvstore.version.SiblingSetCodec.encode(kvstore.version.SiblingSet.write(null,
                kvstore.version.VersionVector.EMPTY, 1, 1000, 0, (byte) 0, b(value)));
    }
}
