package kvstore.cluster;

import kvstore.storage.StorageKey;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A hash tree per slot over what this replica stores, kept up to date on every write (as Riak's
 * Tictac AAE does): each stored entry (a key's or an element's) has a 64-bit digest of its storage key
 * and its versions, entries fall into one of {@link #LEAVES} leaves by a hash of their storage key,
 * and a leaf is the XOR of its entries' digests, the slot's root the XOR of its leaves. A write only
 * XORs out the old digest and XORs in the new one, so the tree never needs a rebuild while the node
 * runs; it is built once at start-up from what the engine kept.
 *
 * <p>Two replicas of a slot hold the same entries exactly when their roots are equal (up to 64-bit
 * collisions); where they differ, comparing the leaves and then the digests of the entries of the
 * differing leaves finds the entries to exchange ({@link AntiEntropy}).
 *
 * <p>The digest of a sibling set covers its clock and the dots of its versions, not the value bytes:
 * a dot names one immutable version, so equal dots mean equal versions, and the digest does not
 * depend on the order in which a replica happens to keep them. Memory: 8 bytes per leaf, 8 MB for
 * all 16,384 slots.
 */
final class MerkleTrees {
    static final int LEAVES = 64;

    private final AtomicLongArray leaves = new AtomicLongArray(KeySlot.SLOTS * LEAVES);
    private final AtomicLongArray roots = new AtomicLongArray(KeySlot.SLOTS);

    /** Records that the entry {@code sk} changed from {@code before} to {@code after} (null: absent). */
    void update(byte[] sk, SiblingSet before, SiblingSet after) {
        long h = hash(sk); // once: the key's hash goes into both digests and picks the leaf
        long delta = digest(h, before) ^ digest(h, after);
        if (delta != 0) {
            int slot = StorageKey.slot(sk);
            leaves.accumulateAndGet(slot * LEAVES + leafOf(h), delta, (a, b) -> a ^ b);
            roots.accumulateAndGet(slot, delta, (a, b) -> a ^ b);
        }
    }

    long root(int slot) {
        return roots.get(slot);
    }

    long[] leaves(int slot) {
        long[] out = new long[LEAVES];
        for (int i = 0; i < LEAVES; i++) {
            out[i] = leaves.get(slot * LEAVES + i);
        }
        return out;
    }

    static int leafOf(byte[] sk) {
        return leafOf(hash(sk));
    }

    private static int leafOf(long keyHash) {
        return (int) (mix(keyHash) >>> 58); // the top 6 bits: 0..63
    }

    /**
     * The digest of one stored entry; 0 for an absent one, and for one that holds only deletes: a
     * delete matters only where a replica still holds a live version it supersedes, whose nonzero
     * digest then differs; and a purged delete changes no tree.
     */
    static long digest(byte[] sk, SiblingSet set) {
        return digest(hash(sk), set);
    }

    private static long digest(long keyHash, SiblingSet set) {
        if (set == null || onlyTombstones(set)) {
            return 0;
        }
        long d = keyHash;
        VersionVector clock = set.clock();
        for (int i = 0; i < clock.size(); i++) {
            d ^= mix(clock.actorAt(i) * 0x9E3779B97F4A7C15L + clock.counterAt(i));
        }
        for (Version v : set.versions()) {
            d ^= mix(~v.actor() * 0xC2B2AE3D27D4EB4FL + v.counter());
        }
        return mix(d) | 1; // never 0, so a live entry is never invisible
    }

    static boolean onlyTombstones(SiblingSet set) {
        for (Version v : set.versions()) {
            if (!v.isTombstone()) {
                return false;
            }
        }
        return true;
    }

    private static long hash(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
