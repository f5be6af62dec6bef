package kvstore.cluster;

import kvstore.storage.StorageKey;
import kvstore.version.SiblingSet;
import kvstore.version.VersionVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The incrementally kept trees equal the trees built from scratch over the same entries, whatever
 * the order of the writes; the digest ignores the order in which a set keeps its versions.
 */
class MerkleTreesTest {
    private static SiblingSet set(long actor, long ts, String v) {
        return SiblingSet.write(null, VersionVector.EMPTY, actor, ts, 0, (byte) 0, v.getBytes());
    }

    @Test
    void incrementalUpdatesMatchABuildFromScratchInAnyOrder() {
        Random rnd = new Random(7);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            keys.add(LocalReplica.storageKey(0, ("key:" + rnd.nextInt(100_000)).getBytes()));
        }
        MerkleTrees incremental = new MerkleTrees();
        SiblingSet[] current = new SiblingSet[keys.size()];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < keys.size(); i++) {
                SiblingSet next = round == 2 && i % 3 == 0 ? null : set(1 + round, round + 1L, "v" + round);
                incremental.update(keys.get(i), current[i], next);
                current[i] = next;
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, rnd);
        MerkleTrees scratch = new MerkleTrees();
        for (int i : order) {
            scratch.update(keys.get(i), null, current[i]);
        }
        for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
            assertEquals(scratch.root(slot), incremental.root(slot), "slot " + slot);
        }
        int slot = StorageKey.slot(keys.get(0));
        assertArrayEquals(scratch.leaves(slot), incremental.leaves(slot));
    }

    @Test
    void theDigestSeesVersionsButNotTheirOrder() {
        byte[] sk = LocalReplica.storageKey(0, "k".getBytes());
        SiblingSet a = set(1, 1, "x");
        SiblingSet b = set(2, 2, "y");
        assertEquals(MerkleTrees.digest(sk, a.merge(b)), MerkleTrees.digest(sk, b.merge(a)));
        assertNotEquals(MerkleTrees.digest(sk, a), MerkleTrees.digest(sk, a.merge(b)));
        assertNotEquals(0, MerkleTrees.digest(sk, a));
    }
}
