package kvstore.compat;

import kvstore.KvNode;
import kvstore.cluster.KeySlot;
import kvstore.cluster.Ring;
import kvstore.cluster.RingMember;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership changes under load: a fourth node joins a 3-node ring (N=3, R=2, W=2) with RING JOIN,
 * receives the slots it now replicates while the others hand over and drop the slots they lost, and
 * later another node leaves with RING LEAVE and drains. Writers keep going on two nodes throughout:
 * no request fails, no acknowledged write is lost, the joined node holds the data of its slots, the
 * leaving node ends with none, and each node ends with its share of the slots.
 */
class MembershipIT {

    private static String info(RespConnection c, String field) {
        return ProcessRing.infoField(c, field);
    }

    private static void awaitMembership(LocalRing ring, List<String> nodes, long version, int size) throws Exception {
        for (String n : nodes) {
            try (RespConnection c = new RespConnection(ring.port(n))) {
                LocalRing.await(n + " at membership version " + version + " with its slots moved", 60_000, () ->
                        Long.parseLong(info(c, "ring_membership_version")) == version
                                && Integer.parseInt(info(c, "ring_nodes")) == size
                                && info(c, "ring_slots_receiving").equals("0")
                                && info(c, "ring_slots_releasing").equals("0"));
            }
        }
    }

    @Test
    void aNodeJoinsAndAnotherLeavesUnderLoad() throws Exception {
        try (LocalRing ring = LocalRing.start(new String[] {"", "", ""}, "--replication-factor", "3",
                "--read-quorum", "2", "--write-quorum", "2", "--gossip-interval", "50",
                "--anti-entropy-interval", "0", "--cluster-request-timeout", "2000").awaitAllUp()) {
            try (RespConnection a = new RespConnection(ring.port("n1"))) {
                assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
                for (int i = 0; i < 2000; i++) {
                    assertEquals("OK", a.call("SET", "pre:" + i, "v" + i).text());
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicInteger[] acked = {new AtomicInteger(), new AtomicInteger()};
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    try (RespConnection c = new RespConnection(ring.port(id == 0 ? "n1" : "n2"))) {
                        for (int i = 0; !stop.get(); i++) {
                            RespValue r = c.call("SET", "w" + id + ":" + i, "x" + i);
                            if (r.type() == '+') {
                                acked[id].set(i + 1);
                            } else {
                                failures.add("w" + id + ":" + i + " " + r.text());
                            }
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                });
                writers.add(t);
                t.start();
            }
            KvNode n4 = ring.addNode("n4");
            try (RespConnection d = new RespConnection(n4.port())) {
                RespValue joined = d.call("RING", "JOIN");
                assertEquals('$', (char) joined.type(), joined.toString());
                assertTrue(joined.text().startsWith("joined through"), joined.text());
            }
            awaitMembership(ring, List.of("n1", "n2", "n3", "n4"), 1, 4);
            ring.awaitAllUp();
            // n4 holds the data of the slots it replicates now
            Ring four = n4.cluster().topology().ring();
            RingMember me = four.member("n4");
            int[] range = four.slotRange("n4");
            assertTrue(range[1] - range[0] + 1 >= 4000 && range[1] - range[0] + 1 <= 4200, "n4 owns a quarter");
            int checked = 0;
            for (int i = 0; i < 2000; i++) {
                byte[] key = ("pre:" + i).getBytes(StandardCharsets.UTF_8);
                if (four.preferenceList(KeySlot.of(key)).contains(me)) {
                    assertNotNull(n4.cluster().replica().read(0, key), "pre:" + i + " on n4");
                    checked++;
                }
            }
            assertTrue(checked > 1000, checked + " keys checked on n4");
            // and n1 dropped the keys of the slots it handed to n4
            int dropped = 0;
            for (int i = 0; i < 2000; i++) {
                byte[] key = ("pre:" + i).getBytes(StandardCharsets.UTF_8);
                if (!four.preferenceList(KeySlot.of(key)).contains(four.member("n1"))) {
                    assertEquals(null, ring.node("n1").cluster().replica().read(0, key), "pre:" + i + " left n1");
                    dropped++;
                }
            }
            assertTrue(dropped > 100, dropped + " keys checked gone from n1");
            try (RespConnection b = new RespConnection(ring.port("n2"))) {
                RespValue left = b.call("RING", "LEAVE");
                assertTrue(left.text().startsWith("left"), left.toString());
            }
            awaitMembership(ring, List.of("n1", "n2", "n3", "n4"), 2, 3); // n2 drained: it releases everything
            for (int i = 0; i < 2000; i++) {
                assertEquals(null, ring.node("n2").cluster().replica().read(0, ("pre:" + i).getBytes(StandardCharsets.UTF_8)),
                        "pre:" + i + " left n2");
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join(10_000);
            }
            assertEquals(List.of(), failures);
            try (RespConnection c = new RespConnection(ring.port("n4"))) {
                assertEquals("OK", c.call("CONSISTENCY", "ALL").text());
                for (int i = 0; i < 2000; i++) {
                    assertEquals("v" + i, c.call("GET", "pre:" + i).text(), "pre:" + i);
                }
                for (int w = 0; w < 2; w++) {
                    for (int i = 0; i < acked[w].get(); i++) {
                        assertEquals("x" + i, c.call("GET", "w" + w + ":" + i).text(), "w" + w + ":" + i);
                    }
                }
            }
            for (String n : List.of("n1", "n3", "n4")) {
                Ring r = ring.node(n).cluster().topology().ring();
                assertEquals(3, r.members().size());
                int[] own = r.slotRange(n);
                assertTrue(Math.abs(own[1] - own[0] + 1 - KeySlot.SLOTS / 3) <= 1, n + " owns a third");
            }
        }
    }
}
