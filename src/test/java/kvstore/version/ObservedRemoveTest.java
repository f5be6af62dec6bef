package kvstore.version;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The add-wins rule of collection elements, as a property over random histories: three replicas of
 * one element (a set member or hash field) add it, remove it with the context they hold, and
 * exchange their sets in random order. Whatever the order, once every replica has merged every
 * other, they agree, and the element is present exactly when some add was seen by no remove; its
 * value is one of those adds (an add a later add saw is replaced by it, as a write with context is). Merging is commutative, associative and idempotent throughout.
 */
class ObservedRemoveTest {
    private static final byte STRING = 0;

    @RepeatedTest(300)
    void anAddIsLostOnlyToARemoveThatSawIt(RepetitionInfo info) {
        Random rnd = new Random(info.getCurrentRepetition());
        int replicas = 3;
        SiblingSet[] sets = new SiblingSet[replicas];
        List<Dot> adds = new ArrayList<>();
        Set<Dot> removedAdds = new HashSet<>();
        long ts = 0;
        for (int step = 0; step < 40; step++) {
            int r = rnd.nextInt(replicas);
            int op = rnd.nextInt(3);
            long actor = r + 1;
            if (op == 0) {
                VersionVector ctx = sets[r] == null ? VersionVector.EMPTY : sets[r].clock();
                sets[r] = SiblingSet.write(sets[r], ctx, actor, ++ts, 0, STRING, ("v" + step).getBytes());
                Version written = newest(sets[r], actor);
                adds.add(written.dot());
            } else if (op == 1 && sets[r] != null && sets[r].liveWinner() != null) {
                // a remove supersedes what this replica has seen: the adds its clock covers
                VersionVector ctx = sets[r].clock();
                for (Dot d : adds) {
                    if (ctx.covers(d.actor(), d.counter())) {
                        removedAdds.add(d);
                    }
                }
                sets[r] = SiblingSet.write(sets[r], ctx, actor, ++ts, 0, STRING, null);
            } else {
                int from = rnd.nextInt(replicas);
                if (sets[from] != null) {
                    sets[r] = sets[r] == null ? sets[from] : sets[r].merge(sets[from]);
                }
            }
        }
        // every replica merges every other, in a random order
        SiblingSet all = null;
        for (SiblingSet s : sets) {
            if (s != null) {
                all = all == null ? s : all.merge(s);
            }
        }
        if (all == null) {
            return;
        }
        for (int i = 0; i < replicas; i++) {
            SiblingSet mine = sets[i] == null ? all : all.merge(sets[i]);
            assertTrue(sameVersions(all, mine), "replica " + i + " agrees");
        }
        Set<Dot> survivors = new HashSet<>(adds);
        survivors.removeAll(removedAdds);
        Version live = all.liveWinner();
        if (survivors.isEmpty()) {
            assertNull(live, "every add was seen by a remove");
        } else {
            assertNotNull(live, "an add no remove saw must survive: " + survivors);
            assertTrue(survivors.contains(live.dot()), "the value read is one of the surviving adds");
        }
    }

    @RepeatedTest(100)
    void mergeOfElementSetsIsCommutativeAssociativeAndIdempotent(RepetitionInfo info) {
        Random rnd = new Random(1000 + info.getCurrentRepetition());
        SiblingSet a = randomHistory(rnd, 1);
        SiblingSet b = randomHistory(rnd, 2);
        SiblingSet c = randomHistory(rnd, 3);
        assertTrue(sameVersions(a.merge(b), b.merge(a)));
        assertTrue(sameVersions(a.merge(b).merge(c), a.merge(b.merge(c))));
        assertTrue(sameVersions(a.merge(a), a));
        assertEquals(live(a.merge(b)), live(b.merge(a)));
    }

    /** A replica's set after random adds and removes, sometimes starting from a shared ancestor. */
    private static SiblingSet randomHistory(Random rnd, long actor) {
        SiblingSet base = SiblingSet.write(null, VersionVector.EMPTY, 9, 1, 0, STRING, "base".getBytes());
        SiblingSet s = rnd.nextBoolean() ? base : null;
        int n = 1 + rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            VersionVector ctx = s == null ? VersionVector.EMPTY : s.clock();
            byte[] value = rnd.nextInt(3) == 0 ? null : ("v" + actor + "." + i).getBytes();
            s = SiblingSet.write(s, ctx, actor, 2 + rnd.nextInt(100), 0, STRING, value);
        }
        return s;
    }

    private static String live(SiblingSet s) {
        Version v = s.liveWinner();
        return v == null ? null : new String(v.value());
    }

    private static Version newest(SiblingSet s, long actor) {
        Version best = null;
        for (Version v : s.versions()) {
            if (v.actor() == actor && (best == null || v.counter() > best.counter())) {
                best = v;
            }
        }
        return best;
    }

    private static boolean sameVersions(SiblingSet x, SiblingSet y) {
        if (!x.clock().equals(y.clock()) || x.size() != y.size()) {
            return false;
        }
        for (Version v : x.versions()) {
            if (!y.contains(v.dot())) {
                return false;
            }
        }
        return true;
    }
}
