package kvstore.compat;

import kvstore.KvNode;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-node behaviour of the ring: nodes in one JVM over the real peer transport and real client
 * sockets, with the transport's fault injector for partitions.
 */
class RingIT {
    private static final String[] NO_RACKS = {"", "", ""};

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The winning value this node's own replica holds for {@code key} (null: none or a tombstone). */
    private static String localValue(KvNode node, String key) {
        SiblingSet set = node.cluster().replica().read(0, b(key));
        if (set == null || set.winner().isTombstone()) {
            return null;
        }
        return new String(set.winner().value(), StandardCharsets.UTF_8);
    }

    private static String text(RespValue v) {
        return v.type() == '$' && v.length() < 0 ? null : v.text();
    }

    @Test
    void quorumWritesAreReadBackFromEveryNode() throws Exception {
        // four nodes and N=3: every key has a node that is not its replica and forwards its writes
        try (LocalRing ring = LocalRing.start(new String[] {"", "", "", ""}, "--replication-factor", "3",
                "--read-quorum", "2", "--write-quorum", "2")) {
            List<RespConnection> conns = new ArrayList<>();
            for (String n : ring.names) {
                conns.add(new RespConnection(ring.port(n)));
            }
            Random rnd = new Random(42);
            Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                String key = "key:" + rnd.nextInt(60);
                String value = "v" + i;
                RespConnection writer = conns.get(rnd.nextInt(conns.size()));
                int op = rnd.nextInt(10);
                if (op == 0) {
                    writer.call("DEL", key);
                    expected.remove(key);
                } else if (op == 1) {
                    RespValue r = writer.call("APPEND", key, "+");
                    assertEquals(':', r.type(), r.toString());
                    expected.merge(key, "+", String::concat);
                } else if (op == 2) {
                    RespValue r = writer.call("INCR", "counter:" + key);
                    assertEquals(':', r.type(), r.toString());
                    expected.merge("counter:" + key, "1", (x, y) -> Long.toString(Long.parseLong(x) + 1));
                    for (RespConnection reader : conns) {
                        assertEquals(expected.get("counter:" + key), text(reader.call("GET", "counter:" + key)));
                    }
                } else {
                    assertEquals("OK", writer.call("SET", key, value).text());
                    expected.put(key, value);
                }
                // every later read from any node sees the acknowledged write (R + W > N)
                for (RespConnection reader : conns) {
                    assertEquals(expected.get(key), text(reader.call("GET", key)), "reading " + key + " after op " + i);
                }
            }
            long forwarded = 0;
            for (String n : ring.names) {
                String info = conns.get(ring.names.indexOf(n)).call("INFO", "cluster").text();
                forwarded += Long.parseLong(info.replaceAll("(?s).*ring_forwarded_writes:(\\d+).*", "$1"));
            }
            assertTrue(forwarded > 0, "some writes went through a node that is not a replica");
            for (RespConnection c : conns) {
                c.close();
            }
        }
    }

    @Test
    void keyspaceWideCommandsSeeTheWholeRing() throws Exception {
        // four nodes and N=2: no node holds every key
        try (LocalRing ring = LocalRing.start(new String[] {"", "", "", ""}, "--replication-factor", "2",
                "--read-quorum", "1", "--write-quorum", "2")) {
            Set<String> written = new HashSet<>();
            try (RespConnection c = new RespConnection(ring.port("n1"))) {
                for (int i = 0; i < 200; i++) {
                    assertEquals("OK", c.call("SET", "all:" + i, "v").text());
                    written.add("all:" + i);
                }
                assertTrue(ring.node("n1").cluster().replica().size(0) < 200, "n1 holds only some keys");
            }
            for (String n : ring.names) {
                try (RespConnection c = new RespConnection(ring.port(n))) {
                    assertEquals(200, Long.parseLong(c.call("DBSIZE").text()), "DBSIZE at " + n);
                    Set<String> keys = new HashSet<>();
                    for (RespValue k : c.call("KEYS", "*").children()) {
                        keys.add(k.text());
                    }
                    assertEquals(written, keys, "KEYS at " + n);
                    Set<String> scanned = new HashSet<>();
                    String cursor = "0";
                    do {
                        RespValue page = c.call("SCAN", cursor, "COUNT", "7");
                        cursor = page.children().get(0).text();
                        for (RespValue k : page.children().get(1).children()) {
                            scanned.add(k.text());
                        }
                    } while (!cursor.equals("0"));
                    assertEquals(written, scanned, "SCAN at " + n);
                    assertTrue(written.contains(c.call("RANDOMKEY").text()));
                }
            }
            try (RespConnection c = new RespConnection(ring.port("n3"))) {
                assertEquals("OK", c.call("FLUSHALL").text());
                assertEquals(0, Long.parseLong(c.call("DBSIZE").text()));
                assertEquals(0, c.call("KEYS", "*").children().size());
                assertEquals(-1, c.call("RANDOMKEY").length());
            }
        }
    }

    @Test
    void aMessagePublishedOnOneNodeReachesSubscribersOnEveryNode() throws Exception {
        try (LocalRing ring = LocalRing.start(NO_RACKS, "--replication-factor", "3")) {
            try (RespConnection sub2 = new RespConnection(ring.port("n2"));
                 RespConnection psub3 = new RespConnection(ring.port("n3"));
                 RespConnection pub = new RespConnection(ring.port("n1"))) {
                sub2.call("SUBSCRIBE", "ring:news");
                psub3.call("PSUBSCRIBE", "ring:*");
                for (int i = 0; i < 20; i++) {
                    // PUBLISH counts this node's subscribers, as Redis Cluster does
                    assertEquals("0", pub.call("PUBLISH", "ring:news", "m" + i).text());
                }
                for (int i = 0; i < 20; i++) {
                    assertEquals(List.of("message", "ring:news", "m" + i), strings(sub2.read()));
                    assertEquals(List.of("pmessage", "ring:*", "ring:news", "m" + i), strings(psub3.read()));
                }
            }
        }
    }

    private static List<String> strings(RespValue v) {
        List<String> out = new ArrayList<>();
        for (RespValue c : v.children()) {
            out.add(c.text());
        }
        return out;
    }

    @Test
    void pipelinedRepliesKeepTheirOrderOffTheEventLoop() throws Exception {
        try (LocalRing ring = LocalRing.start(NO_RACKS, "--replication-factor", "3")) {
            try (RespConnection c = new RespConnection(ring.port("n1"))) {
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                int n = 2000;
                for (int i = 0; i < n; i++) {
                    batch.write(RespConnection.encode(List.of(b("SET"), b("p" + (i % 50)), b("v" + i))));
                    batch.write(RespConnection.encode(List.of(b("GET"), b("p" + (i % 50)))));
                    batch.write(RespConnection.encode(List.of(b("ECHO"), b("e" + i))));
                }
                c.send(batch.toByteArray());
                for (int i = 0; i < n; i++) {
                    assertEquals("OK", c.read().text());
                    assertEquals("v" + i, c.read().text());
                    assertEquals("e" + i, c.read().text());
                }
            }
        }
    }

    @Test
    void commandsRunOnTheEventLoopAndOnWorkersKeepTheirOrder() throws Exception {
        // SET and GET need no other node's answer to go on and run where they are read; INCR reads at R
        // first and goes to a worker, and what follows it waits behind it
        try (LocalRing ring = LocalRing.start(NO_RACKS, "--replication-factor", "3")) {
            try (RespConnection c = new RespConnection(ring.port("n1"))) {
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                int n = 500;
                for (int i = 0; i < n; i++) {
                    String key = "mix" + (i % 20);
                    batch.write(RespConnection.encode(List.of(b("SET"), b(key), b(Integer.toString(i)))));
                    batch.write(RespConnection.encode(List.of(b("INCR"), b(key))));
                    batch.write(RespConnection.encode(List.of(b("GET"), b(key))));
                    batch.write(RespConnection.encode(List.of(b("SET"), b(key), b("s" + i))));
                    batch.write(RespConnection.encode(List.of(b("GET"), b(key))));
                }
                c.send(batch.toByteArray());
                for (int i = 0; i < n; i++) {
                    assertEquals("OK", c.read().text());
                    assertEquals(Integer.toString(i + 1), c.read().text(), "INCR after SET " + i);
                    assertEquals(Integer.toString(i + 1), c.read().text());
                    assertEquals("OK", c.read().text());
                    assertEquals("s" + i, c.read().text());
                }
            }
        }
    }

    @Test
    void aReadAsksAnotherReplicaWhenOneStopsAnswering() throws Exception {
        // a read the command waits for (STRLEN) asks R=2 replicas, n1's own copy and one more; cut off
        // from n2 (not yet convicted: the detector needs seconds), a read that asked n2 asks n3 after
        // 20 ms, long before the timeout
        try (LocalRing ring = LocalRing.start(NO_RACKS, "--replication-factor", "3", "--read-repair-percent", "0",
                "--cluster-request-timeout", "5000")) {
            try (RespConnection c = new RespConnection(ring.port("n1"))) {
                for (int i = 0; i < 30; i++) {
                    assertEquals("OK", c.call("SET", "h" + i, "v" + i).text());
                }
                ring.cut("n1", "n2");
                for (int i = 0; i < 30; i++) {
                    long t0 = System.nanoTime();
                    assertEquals(Long.toString(("v" + i).length()), c.call("STRLEN", "h" + i).text());
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms < 2000, "STRLEN h" + i + " answered in " + ms + " ms");
                }
                ring.heal("n1", "n2");
            }
        }
    }

    @Test
    void aPipelinedWriteThatMissesItsQuorumFailsInItsPlace() throws Exception {
        try (LocalRing ring = LocalRing.start(NO_RACKS, "--replication-factor", "3", "--write-quorum", "3",
                "--cluster-request-timeout", "300")) {
            try (RespConnection c = new RespConnection(ring.port("n1"))) {
                assertEquals("OK", c.call("SET", "q", "before").text());
                ring.cut("n1", "n2");
                java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                batch.write(RespConnection.encode(List.of(b("SET"), b("q"), b("after"))));
                batch.write(RespConnection.encode(List.of(b("GET"), b("q"))));
                batch.write(RespConnection.encode(List.of(b("ECHO"), b("last"))));
                c.send(batch.toByteArray());
                // n2 never answers: the write is refused after the timeout, and what followed it waits
                assertEquals("NOREPLICAS Not enough good replicas to write. (answered: 2 of 3)", c.read().text());
                // ... though n1 and n3 stored it (as in Dynamo), and the next command read n1 first
                assertEquals("after", c.read().text());
                assertEquals("last", c.read().text());
                ring.heal("n1", "n2");
            }
        }
    }

    @Test
    void staleReadWithROneIsRepairedAfterwards() throws Exception {
        // every read asks all three replicas, so this one reaches n2 and repairs n3
        try (LocalRing ring = LocalRing.start(NO_RACKS, "--replication-factor", "3", "--read-quorum", "1",
                "--write-quorum", "1", "--cluster-request-timeout", "300", "--read-repair-percent", "100")) {
            String key = "stale";
            try (RespConnection a = new RespConnection(ring.port("n1"));
                 RespConnection c = new RespConnection(ring.port("n3"))) {
                assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
                assertEquals("OK", a.call("SET", key, "old").text()); // on all three replicas
                assertEquals("OK", a.call("CONSISTENCY", "ONE").text());
                ring.cut("n1", "n3");
                assertEquals("OK", a.call("SET", key, "new").text()); // W=1: acknowledged by n1 alone
                LocalRing.await("n2 to receive the write", 5000, () -> "new".equals(localValue(ring.node("n2"), key)));
                assertEquals("old", localValue(ring.node("n3"), key));
                // R=1 at n3 answers from its own, stale copy ...
                assertEquals("old", c.call("GET", key).text());
                // ... and the read repairs n3 from n2 in the background, though n1 is still unreachable
                LocalRing.await("read repair of n3", 5000, () -> "new".equals(localValue(ring.node("n3"), key)));
                assertEquals("new", c.call("GET", key).text());
                ring.heal("n1", "n3");
            }
        }
    }

    @Test
    void concurrentWritesAcrossAPartitionBecomeSiblingsAndAContextResolvesThem() throws Exception {
        try (LocalRing ring = LocalRing.start(NO_RACKS, "--replication-factor", "3", "--read-quorum", "2",
                "--write-quorum", "2", "--cluster-request-timeout", "300")) {
            String key = "cart";
            try (RespConnection a = new RespConnection(ring.port("n1"));
                 RespConnection bConn = new RespConnection(ring.port("n2"))) {
                ring.cut("n1", "n2");
                assertEquals("OK", a.call("SET", key, "from-n1").text());
                assertEquals("OK", bConn.call("SET", key, "from-n2").text());
                ring.heal("n1", "n2");
                ring.awaitAllUp(); // a slow machine may have convicted the other side during the cut
                assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
                RespValue sib = a.call("SIBLINGS", key);
                assertEquals(3, sib.children().size(), sib.toString());
                Set<String> values = new HashSet<>();
                for (RespValue v : sib.children().subList(1, 3)) {
                    values.add(v.text());
                }
                assertEquals(Set.of("from-n1", "from-n2"), values);
                String context = sib.children().get(0).text();
                // a plain GET returns the same deterministic winner from every node
                String winner = text(a.call("GET", key));
                assertTrue(values.contains(winner));
                assertEquals(winner, text(bConn.call("GET", key)));
                // a write with the context supersedes both
                assertEquals("OK", bConn.call("SET", key, "merged", "CONTEXT", context).text());
                RespValue after = a.call("SIBLINGS", key);
                assertEquals(2, after.children().size(), after.toString());
                assertEquals("merged", after.children().get(1).text());
                for (String n : ring.names) {
                    try (RespConnection r = new RespConnection(ring.port(n))) {
                        assertEquals("merged", r.call("GET", key).text());
                    }
                }
                // DELETE with the context leaves a deleted sibling
                String ctx2 = after.children().get(0).text();
                assertEquals("OK", a.call("DELETE", key, "CONTEXT", ctx2).text());
                assertNull(text(bConn.call("GET", key)));
                RespValue deleted = a.call("SIBLINGS", key);
                assertEquals(2, deleted.children().size(), deleted.toString());
                assertEquals(-1, deleted.children().get(1).length());
            }
        }
    }

    @Test
    void threeRacksGetOneCopyEach() throws Exception {
        String[] racks = {"r1", "r1", "r2", "r3", "r2"};
        try (LocalRing ring = LocalRing.start(racks, "--replication-factor", "3", "--write-quorum", "3")) {
            Map<String, String> rackOf = new HashMap<>();
            for (int i = 0; i < racks.length; i++) {
                rackOf.put(ring.names.get(i), racks[i]);
            }
            try (RespConnection c = new RespConnection(ring.port("n1"))) {
                for (int i = 0; i < 100; i++) {
                    String key = "rack:" + i;
                    assertEquals("OK", c.call("SET", key, "x").text()); // W=3: on every replica
                    RespValue owners = c.call("RING", "OWNERS", key);
                    Set<String> ownerRacks = new HashSet<>();
                    Set<String> owners3 = new HashSet<>();
                    for (RespValue o : owners.children()) {
                        owners3.add(o.text());
                        ownerRacks.add(rackOf.get(o.text()));
                    }
                    assertEquals(3, owners3.size());
                    assertEquals(Set.of("r1", "r2", "r3"), ownerRacks, "owners of " + key + ": " + owners3);
                    for (String n : ring.names) {
                        assertEquals(owners3.contains(n), localValue(ring.node(n), key) != null,
                                "copy of " + key + " on " + n);
                    }
                }
            }
        }
    }

    @Test
    void aPeerWithTheWrongSecretIsRefused() throws Exception {
        try (LocalRing ring = LocalRing.start(NO_RACKS, new String[] {null, null, "not-the-secret"},
                "--replication-factor", "3", "--write-quorum", "2", "--cluster-request-timeout", "300")) {
            try (RespConnection a = new RespConnection(ring.port("n1"));
                 RespConnection intruder = new RespConnection(ring.port("n3"))) {
                assertEquals("OK", a.call("SET", "k", "v").text()); // n1 + n2
                assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
                RespValue refused = a.call("SET", "k", "w");
                assertEquals('-', refused.type());
                assertTrue(refused.text().startsWith("NOREPLICAS Not enough good replicas to write. (answered: 2 of 3)"),
                        refused.text());
                assertNull(localValue(ring.node("n3"), "k"), "n3 got data from the ring");
                RespValue alone = intruder.call("SET", "k", "x");
                assertTrue(alone.text().startsWith("NOREPLICAS"), alone.text());
                // the refused peer's write reached no one (the failed write "w" stays stored where it landed)
                assertEquals("w", localValue(ring.node("n1"), "k"));
                assertEquals("x", localValue(ring.node("n3"), "k"));
                LocalRing.await("n2 to hold w", 2000, () -> "w".equals(localValue(ring.node("n2"), "k")));
                assertTrue(a.call("RING", "NODES").text().contains("n3 127.0.0.1"));
            }
        }
    }
}
