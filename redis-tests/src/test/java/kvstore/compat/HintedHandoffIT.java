package kvstore.compat;

import kvstore.KvNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hinted handoff and sloppy quorum. A node killed with SIGKILL under a steady write load costs no
 * write (N=3, W=2); its peers keep hints for it, and after it restarts they hand them over until none
 * is left and it holds every acknowledged write. With four nodes, a write at W=3 while a replica is
 * cut off is acknowledged by the next node beyond the preference list (sloppy quorum), read back
 * through it during the outage, and handed to the replica after healing; `sloppy-quorum no` refuses
 * the same write with -NOREPLICAS.
 */
class HintedHandoffIT {
    private static final String[] FAST = {"--gossip-interval", "50", "--replication-factor", "3",
            "--read-quorum", "2", "--write-quorum", "2", "--cluster-request-timeout", "500"};

    private static long hintsPending(RespConnection c) {
        return Long.parseLong(ProcessRing.infoField(c, "ring_hints_pending"));
    }

    @Test
    void aKilledNodeCostsNoWriteAndGetsEveryHintAfterItsRestart() throws Exception {
        try (ProcessRing ring = new ProcessRing(3, FAST)) {
            int[] ports = ring.ports;
            try (RespConnection a = new RespConnection(ports[0])) {
                ProcessRing.awaitUp(a, "n2", "n3");
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger acknowledged = new AtomicInteger();
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread writer = new Thread(() -> {
                try (RespConnection a = new RespConnection(ports[0])) {
                    for (int i = 0; !stop.get(); i++) {
                        RespValue v = a.call("SET", "key:" + i, "value:" + i);
                        if (v.type() == '+') {
                            acknowledged.set(i + 1);
                        } else {
                            failures.add("SET key:" + i + " -> " + v.text());
                        }
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                }
            });
            writer.start();
            try (RespConnection a = new RespConnection(ports[0])) {
                LocalRing.await("writes before the kill", 10_000, () -> acknowledged.get() >= 300);
                ring.node(2).kill();
                int atKill = acknowledged.get();
                LocalRing.await("writes while n3 is dead", 20_000, () -> acknowledged.get() >= atKill + 500);
                assertTrue(hintsPending(a) > 0, "n1 keeps hints for n3");
                ring.restart(2);
                LocalRing.await("more writes after the restart", 20_000, () -> acknowledged.get() >= atKill + 700);
                stop.set(true);
                writer.join(10_000);
                assertEquals(List.of(), failures);
                try (RespConnection b = new RespConnection(ports[1])) {
                    LocalRing.await("the hints to drain", 30_000, () -> hintsPending(a) == 0 && hintsPending(b) == 0);
                }
                assertTrue(Long.parseLong(ProcessRing.infoField(a, "ring_hints_delivered")) > 0);
            }
            // each node's own copy (R=1 on a replica answers from it) holds every acknowledged write
            for (int n = 0; n < 3; n++) {
                try (RespConnection c = new RespConnection(ports[n])) {
                    assertEquals("OK", c.call("CONSISTENCY", "ONE").text());
                    for (int i = 0; i < acknowledged.get(); i++) {
                        assertEquals("value:" + i, c.call("GET", "key:" + i).text(), "key:" + i + " on n" + (n + 1));
                    }
                }
            }
        }
    }

    @Test
    void aSloppyQuorumWritesToTheNextHealthyNodeAndHandsOffAfterHealing() throws Exception {
        for (String sloppy : new String[] {"yes", "no"}) {
            List<String> args = new ArrayList<>(List.of(FAST));
            args.addAll(List.of("--sloppy-quorum", sloppy));
            try (LocalRing ring = LocalRing.start(new String[] {"", "", "", ""}, args.toArray(new String[0])).awaitAllUp();
                 RespConnection admin = new RespConnection(ring.port("n1"))) {
                // a key whose preference list starts at n1, so n1 coordinates and n4 is beyond it
                String found = null;
                for (int i = 0; found == null; i++) {
                    List<String> names = new ArrayList<>();
                    admin.call("RING", "OWNERS", "k" + i).children().forEach(o -> names.add(o.text()));
                    if (names.get(0).equals("n1") && !names.contains("n4")) {
                        found = "k" + i;
                    }
                }
                String key = found;
                List<String> owners = new ArrayList<>();
                admin.call("RING", "OWNERS", key).children().forEach(o -> owners.add(o.text()));
                String down = owners.get(2);
                for (String n : ring.names) {
                    if (!n.equals(down)) {
                        ring.cut(n, down);
                    }
                }
                try (RespConnection a = new RespConnection(ring.port("n1"))) {
                    LocalRing.await(down + " convicted", 10_000, () -> ring.node("n1").cluster().topology()
                            .state(down).equals("down"));
                    assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
                    RespValue reply = a.call("SET", key, "sloppy");
                    if (sloppy.equals("no")) {
                        assertTrue(reply.text().startsWith("NOREPLICAS"), reply.toString());
                        continue;
                    }
                    assertEquals("OK", reply.text(), "W=3 met by n4 standing in for " + down);
                    assertEquals("sloppy", a.call("GET", key).text(), "R=3 read through the stand-in");
                    String hash = "{" + key + "}h"; // the same slot, so the same replicas
                    assertEquals("2", a.call("HSET", hash, "f", "1", "g", "2").text());
                    assertEquals("2", a.call("HLEN", hash).text());
                    assertEquals(4, a.call("HGETALL", hash).children().size(), "a range read through the stand-in");
                    for (String n : ring.names) {
                        if (!n.equals(down)) {
                            ring.heal(n, down);
                        }
                    }
                    KvNode replica = ring.node(down);
                    LocalRing.await("the hint handed to " + down, 10_000, () -> {
                        var set = replica.cluster().replica().read(0, key.getBytes(StandardCharsets.UTF_8));
                        return set != null && "sloppy".equals(new String(set.winner().value(), StandardCharsets.UTF_8));
                    });
                    try (RespConnection own = new RespConnection(ring.port(down))) {
                        assertEquals("OK", own.call("CONSISTENCY", "ONE").text());
                        LocalRing.await("the hash handed to " + down, 10_000, () -> {
                            try {
                                return own.call("HGETALL", hash).children().size() == 4;
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        });
                    }
                    try (RespConnection four = new RespConnection(ring.port("n4"))) {
                        LocalRing.await("n4's hints to drain", 10_000, () -> hintsPending(four) == 0);
                    }
                }
            }
        }
    }
}
