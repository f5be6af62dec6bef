package kvstore.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RingTest {
    private static RingMember m(String name, String rack, int weight) {
        return new RingMember(name, "127.0.0.1", 7000, 17000, rack, weight);
    }

    @Test
    void slotsAreSplitByWeightInNameOrderAndEveryMemberOwnsItsRange() {
        Ring ring = new Ring(List.of(m("c", "", 2), m("a", "", 1), m("b", "", 1)), 3);
        assertEquals(4096, ring.slotRange("a")[1] - ring.slotRange("a")[0] + 1);
        assertEquals(4096, ring.slotRange("b")[1] - ring.slotRange("b")[0] + 1);
        assertEquals(8192, ring.slotRange("c")[1] - ring.slotRange("c")[0] + 1);
        assertEquals(0, ring.slotRange("a")[0]);
        assertEquals(KeySlot.SLOTS - 1, ring.slotRange("c")[1]);
        for (int s = 0; s < KeySlot.SLOTS; s++) {
            RingMember owner = ring.owner(s);
            int[] r = ring.slotRange(owner.name());
            assertEquals(true, s >= r[0] && s <= r[1]);
            assertEquals(owner, ring.preferenceList(s).get(0));
        }
    }

    @Test
    void assignmentIsDeterministicWhateverTheListingOrder() {
        List<RingMember> members = new ArrayList<>(List.of(m("n1", "x", 3), m("n2", "y", 1), m("n3", "z", 7),
                m("n4", "x", 2)));
        Ring a = new Ring(members, 3);
        java.util.Collections.reverse(members);
        Ring b = new Ring(members, 3);
        for (int s = 0; s < KeySlot.SLOTS; s++) {
            assertEquals(a.preferenceList(s), b.preferenceList(s));
        }
    }

    @Test
    void preferenceListsWalkClockwiseAndHoldNDistinctNodes() {
        Ring ring = new Ring(List.of(m("a", "", 1), m("b", "", 1), m("c", "", 1), m("d", "", 1)), 3);
        assertEquals(List.of("c", "d", "a"), names(ring.preferenceList(ring.slotRange("c")[0])));
        assertEquals(List.of("d", "a", "b"), names(ring.preferenceList(KeySlot.SLOTS - 1)));
        assertEquals(2, new Ring(List.of(m("a", "", 1), m("b", "", 1)), 3).replicationFactor());
    }

    @Test
    void threeRacksGiveOneCopyPerRackForEverySlot() {
        Random rnd = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<RingMember> members = new ArrayList<>();
            int k = 3 + rnd.nextInt(8);
            for (int i = 0; i < k; i++) {
                // the first three cover every rack; the rest land anywhere
                String rack = "r" + (i < 3 ? i : rnd.nextInt(3));
                members.add(m("node" + rnd.nextInt(1000) + "-" + i, rack, 1 + rnd.nextInt(5)));
            }
            Ring ring = new Ring(members, 3);
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                Set<String> racks = new HashSet<>();
                for (RingMember r : ring.preferenceList(s)) {
                    racks.add(r.rack());
                }
                assertEquals(3, racks.size(), "slot " + s + " of " + members);
            }
        }
    }

    @Test
    void fewerRacksThanNStillGiveNNodes() {
        Ring ring = new Ring(List.of(m("a", "r1", 1), m("b", "r1", 1), m("c", "r2", 1), m("d", "r2", 1)), 3);
        // from a: b shares a's rack and is skipped while r2 is missing; once both racks are in, d is taken
        assertEquals(List.of("a", "c", "d"), names(ring.preferenceList(0)));
        // from c with only two nodes left to walk: d is skipped (r2 in, r1 missing), a taken, d added back
        Ring three = new Ring(List.of(m("a", "r1", 1), m("c", "r2", 1), m("d", "r2", 1)), 3);
        assertEquals(List.of("c", "a", "d"), names(three.preferenceList(three.slotRange("c")[0])));
    }

    @Test
    void memberSpecsAreParsedAndChecked() {
        RingMember m = RingMember.parse("n1@10.0.0.1:7000:east:3:17001");
        assertEquals(new RingMember("n1", "10.0.0.1", 7000, 17001, "east", 3), m);
        assertEquals(17000, RingMember.parse("n1@h:7000").busPort());
        assertEquals(2, RingMember.parseList("a@h:1, b@h:2").size());
        assertThrows(IllegalArgumentException.class, () -> RingMember.parse("n1:7000"));
        assertThrows(IllegalArgumentException.class, () -> RingMember.parse("n1@h:port"));
        assertThrows(IllegalArgumentException.class, () -> RingMember.parseList("a@h:1 a@h:2"));
        assertThrows(IllegalArgumentException.class, () -> RingMember.parse("a@h:1:r:0"));
    }

    private static List<String> names(List<RingMember> ms) {
        List<String> out = new ArrayList<>();
        for (RingMember r : ms) {
            out.add(r.name());
        }
        return out;
    }
}
