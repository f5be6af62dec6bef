package kvstore.version;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the dotted version vector set: merge is commutative, associative and idempotent; a
 * write supersedes exactly what its context covers; no write disappears unless a later write saw it.
 */
class SiblingSetTest {
    private static final byte STRING = 0;

    private static SiblingSet write(SiblingSet current, VersionVector context, long actor, long ts, String value) {
        return SiblingSet.write(current, context, actor, ts, 0, STRING, value.getBytes());
    }

    private static Set<String> values(SiblingSet s) {
        Set<String> out = new HashSet<>();
        for (Version v : s.versions()) {
            out.add(v.isTombstone() ? "<tombstone>" : new String(v.value()));
        }
        return out;
    }

    @Test
    void writeWithFullContextReplaces() {
        SiblingSet a = write(null, VersionVector.EMPTY, 1, 1, "a");
        SiblingSet b = write(a, a.clock(), 1, 2, "b");
        assertEquals(Set.of("b"), values(b));
    }

    @Test
    void concurrentWritesBecomeSiblingsAndAContextResolvesThem() {
        SiblingSet base = write(null, VersionVector.EMPTY, 1, 1, "base");
        SiblingSet left = write(base, base.clock(), 1, 2, "left");
        SiblingSet right = write(base, base.clock(), 2, 3, "right");
        SiblingSet merged = left.merge(right);
        assertEquals(Set.of("left", "right"), values(merged));
        assertEquals("right", new String(merged.winner().value()));
        SiblingSet resolved = write(merged, merged.clock(), 1, 4, "resolved");
        assertEquals(Set.of("resolved"), values(resolved));
    }

    @Test
    void writeWithOldContextKeepsWhatItDidNotSee() {
        SiblingSet a = write(null, VersionVector.EMPTY, 1, 1, "a");
        SiblingSet b = write(a, a.clock(), 1, 2, "b");
        SiblingSet c = write(b, a.clock(), 1, 3, "c");
        assertEquals(Set.of("b", "c"), values(c));
    }

    /** Random histories over three replicas that exchange state at random; the laws must hold. */
    @RepeatedTest(50)
    void mergeLawsAndNoLostWrites() {
        Random rnd = new Random();
        SiblingSet[] replicas = new SiblingSet[3];
        List<String> written = new ArrayList<>();
        Set<String> superseded = new HashSet<>();
        for (int step = 0; step < 40; step++) {
            int r = rnd.nextInt(3);
            if (rnd.nextBoolean()) {
                SiblingSet cur = replicas[r];
                VersionVector ctx = cur == null ? VersionVector.EMPTY : cur.clock();
                if (cur != null) {
                    superseded.addAll(values(cur));
                }
                String v = "v" + step;
                replicas[r] = write(cur, ctx, r + 1, step, v);
                written.add(v);
            } else {
                int o = rnd.nextInt(3);
                if (replicas[r] != null && replicas[o] != null) {
                    replicas[r] = replicas[r].merge(replicas[o]);
                } else if (replicas[r] == null) {
                    replicas[r] = replicas[o];
                }
            }
        }
        SiblingSet a = replicas[0], b = replicas[1], c = replicas[2];
        if (a == null || b == null || c == null) {
            return;
        }
        assertEquals(values(a.merge(b)), values(b.merge(a)));
        assertEquals(a.merge(b).clock(), b.merge(a).clock());
        assertEquals(values(a.merge(b).merge(c)), values(a.merge(b.merge(c))));
        assertEquals(values(a.merge(a)), values(a));
        SiblingSet all = a.merge(b).merge(c);
        for (String v : written) {
            assertTrue(all.versions().stream().anyMatch(x -> new String(x.value()).equals(v)) || superseded.contains(v),
                    v + " vanished without being superseded");
        }
    }
}
