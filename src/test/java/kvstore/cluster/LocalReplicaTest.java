package kvstore.cluster;

import kvstore.keyspace.KeyLocks;
import kvstore.storage.MemoryEngine;
import kvstore.version.SiblingSet;
import kvstore.version.VersionVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalReplicaTest {
    private static final byte STRING = 0;

    private static LocalReplica replica(boolean ring) {
        return new LocalReplica(new MemoryEngine(), 7, 16, new KeyLocks(), ring);
    }

    @Test
    void aRingDeleteIsATombstoneThatStaysStoredAndLeavesTheCounts() {
        LocalReplica r = replica(true);
        byte[] k = "k".getBytes();
        r.write(0, k, null, 0, STRING, "v".getBytes());
        assertEquals(1, r.size(0));
        SiblingSet deleted = r.write(0, k, null, 0, STRING, null);
        assertTrue(deleted.winner().isTombstone());
        assertEquals(0, r.size(0));
        assertNotNull(r.read(0, k), "the tombstone is kept for the other replicas");
        r.write(0, k, null, 0, STRING, "again".getBytes());
        assertEquals(1, r.size(0));
        assertEquals(3, r.read(0, k).winner().counter(), "dots keep counting after a delete");
    }

    @Test
    void expiredKeysAreReclaimedFromTheCountsOnceButStayStoredOnARing() {
        LocalReplica r = replica(true);
        byte[] k = "k".getBytes();
        long past = System.currentTimeMillis() - 1;
        r.write(0, k, null, past, STRING, "v".getBytes());
        assertEquals(1, r.size(0));
        assertEquals(1, r.expiresCount(0));
        assertEquals(1, r.expireCycle(10_000_000));
        assertEquals(0, r.size(0));
        assertEquals(0, r.expiresCount(0));
        assertNotNull(r.read(0, k));
        assertTrue(!r.reclaimIfExpired(0, k, LocalReplica.storageKey(0, k)), "reclaimed only once");
        r.write(0, k, null, 0, STRING, "fresh".getBytes());
        assertEquals(1, r.size(0));
        assertEquals(0, r.expiresCount(0));
    }

    @Test
    void aSingleNodeRemovesDeletedAndExpiredKeys() {
        LocalReplica r = replica(false);
        byte[] k = "k".getBytes();
        r.write(0, k, null, System.currentTimeMillis() - 1, STRING, "v".getBytes());
        assertEquals(1, r.expireCycle(10_000_000));
        assertNull(r.read(0, k));
        assertEquals(0, r.size(0));
        r.write(0, k, null, 0, STRING, "v".getBytes());
        r.remove(0, k);
        assertNull(r.read(0, k));
        assertEquals(0, r.size(0));
    }

    @Test
    void mergesOfConcurrentWritesKeepBothAndCountTheKeyOnce() {
        LocalReplica a = new LocalReplica(new MemoryEngine(), 1, 16, new KeyLocks(), true);
        LocalReplica b = new LocalReplica(new MemoryEngine(), 2, 16, new KeyLocks(), true);
        byte[] k = "k".getBytes();
        SiblingSet fromA = a.write(0, k, VersionVector.EMPTY, 0, STRING, "a".getBytes());
        SiblingSet fromB = b.write(0, k, VersionVector.EMPTY, 0, STRING, "b".getBytes());
        SiblingSet merged = a.merge(LocalReplica.storageKey(0, k), fromB);
        assertEquals(2, merged.size());
        assertEquals(1, a.size(0));
        assertEquals(2, b.merge(0, k, fromA).size());
        assertTrue(RingCoordinator.sameSet(a.read(0, k), b.read(0, k)));
        // a write with the merged context resolves them
        assertEquals(1, a.write(0, k, merged.clock(), 0, STRING, "ab".getBytes()).size());
    }
}
