package kvstore.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipTest {
    @TempDir
    Path dir;

    private static List<RingMember> members(String spec) {
        return RingMember.parseList(spec);
    }

    @Test
    void changesMakeVersionsThatPeersAdoptOnlyForwardAndThatSurviveARestart() {
        Path file = dir.resolve("ring-members");
        Membership a = new Membership(members("n1@h:1,n2@h:2,n3@h:3"), 3, file);
        List<String> seen = new ArrayList<>();
        a.onChange((old, next) -> seen.add(old.members().size() + "->" + next.members().size()));
        long v = a.change(m -> {
            m.add(RingMember.parse("n4@h:4"));
            return m;
        });
        assertEquals(1, v);
        assertEquals(4, a.ring().members().size());
        assertEquals(List.of("3->4"), seen);

        Membership b = new Membership(members("n1@h:1,n2@h:2,n3@h:3"), 3, dir.resolve("other"));
        assertTrue(b.adopt(a.version(), a.spec()));
        assertFalse(b.adopt(a.version(), "n1@h:1"), "an equal version is not adopted again");
        assertEquals(4, b.ring().members().size());

        Membership restarted = new Membership(members("n1@h:1"), 3, file);
        assertEquals(1, restarted.version());
        assertEquals(a.spec(), restarted.spec(), "the saved membership wins over the configured one");
    }
}
