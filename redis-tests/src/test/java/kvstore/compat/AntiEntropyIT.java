package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Merkle-tree anti-entropy (hints switched off, so only anti-entropy can repair): a replica that
 * missed writes while cut off gets exactly those back from RING REPAIR, for a fraction of the bytes
 * of the data set; a node whose data directory was wiped gets every key back.
 */
class AntiEntropyIT {
    private static final String[] NO_HINTS = {"--gossip-interval", "50", "--replication-factor", "3",
            "--read-quorum", "2", "--write-quorum", "2", "--cluster-request-timeout", "500",
            "--hint-max-bytes", "0", "--anti-entropy-interval", "0"};

    private static long field(String repairSummary, String name) {
        for (String part : repairSummary.split(", ")) {
            if (part.startsWith(name + ": ")) {
                return Long.parseLong(part.substring(name.length() + 2));
            }
        }
        throw new AssertionError("no " + name + " in " + repairSummary);
    }

    @Test
    void aReplicaThatMissedWritesGetsOnlyThoseBack() throws Exception {
        try (LocalRing ring = LocalRing.start(new String[] {"", "", ""}, NO_HINTS).awaitAllUp();
             RespConnection a = new RespConnection(ring.port("n1"));
             RespConnection c = new RespConnection(ring.port("n3"))) {
            assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
            for (int i = 0; i < 2000; i++) {
                assertEquals("OK", a.call("SET", "key:" + i, "value-" + i + "-".repeat(50)).text());
            }
            assertEquals("1", a.call("HSET", "h", "f1", "v1").text());
            assertEquals("OK", a.call("CONSISTENCY", "QUORUM").text());
            ring.cut("n1", "n3");
            ring.cut("n2", "n3");
            for (int i = 0; i < 20; i++) {
                assertEquals("OK", a.call("SET", "late:" + i, "v" + i).text()); // n3 misses these
            }
            assertEquals("1", a.call("HSET", "h", "f2", "v2").text());
            ring.heal("n1", "n3");
            ring.heal("n2", "n3");
            assertEquals("OK", c.call("CONSISTENCY", "ONE").text());
            assertEquals(-1, c.call("GET", "late:0").length(), "n3's own copy lacks the late writes");
            String summary = "";
            for (int attempt = 0; attempt < 50 && !summary.contains("entries repaired: "); attempt++) {
                RespValue r = c.call("RING", "REPAIR");
                if (r.type() == '$') {
                    summary = r.text();
                } else {
                    Thread.sleep(100); // the links are reconnecting after the cut
                }
            }
            assertTrue(field(summary, "entries repaired") >= 21, summary);
            // about 22 differing entries: bytes in proportion to them, far below the data set's 2000 x 60
            long bytes = field(summary, "bytes");
            assertTrue(bytes < 2000 * 60 / 2, "exchanged " + bytes + " bytes: " + summary);
            for (int i = 0; i < 20; i++) {
                assertEquals("v" + i, c.call("GET", "late:" + i).text());
            }
            assertEquals("2", c.call("HLEN", "h").text());
            // in step now: a second run finds nothing
            assertEquals(0, field(c.call("RING", "REPAIR").text(), "entries repaired"));
        }
    }

    @Test
    void aNodeWhoseDataWasWipedGetsEveryKeyBack() throws Exception {
        int k = 3;
        int[] ports = new int[k];
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < k; i++) {
            ports[i] = LocalRing.freePort();
            members.append(i == 0 ? "" : ",").append("n").append(i + 1).append("@127.0.0.1:").append(ports[i])
                    .append("::1:").append(LocalRing.freePort());
        }
        Path[] dirs = new Path[k];
        List<KvstoreProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                dirs[i] = Files.createTempDirectory("kvstore-aae");
                nodes.add(start(dirs[i], ports[i], i, members.toString()));
            }
            try (RespConnection a = new RespConnection(ports[0])) {
                LocalRing.await("n1 to see n3", 10_000, () -> up(a, "n3"));
                assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
                for (int i = 0; i < 3000; i++) {
                    assertEquals("OK", a.call("SET", "key:" + i, "v" + i).text());
                }
                assertEquals("3", a.call("SADD", "s", "x", "y", "z").text());
            }
            nodes.get(2).kill();
            try (Stream<Path> files = Files.walk(dirs[2].resolve("data"))) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            nodes.set(2, start(dirs[2], ports[2], 2, members.toString()));
            try (RespConnection c = new RespConnection(ports[2])) {
                LocalRing.await("n3 to see n1 and n2", 10_000, () -> up(c, "n1") && up(c, "n2"));
                assertEquals("OK", c.call("CONSISTENCY", "ONE").text());
                assertEquals(-1, c.call("GET", "key:1").length(), "wiped");
                RespValue r = c.call("RING", "REPAIR");
                assertEquals('$', (char) r.type(), r.toString());
                assertTrue(field(r.text(), "entries repaired") >= 3000, r.text());
                for (int i = 0; i < 3000; i++) {
                    assertEquals("v" + i, c.call("GET", "key:" + i).text(), "key:" + i);
                }
                assertEquals("3", c.call("SCARD", "s").text());
            }
        } finally {
            for (KvstoreProcess p : nodes) {
                p.close();
            }
        }
    }

    private static boolean up(RespConnection c, String peer) {
        try {
            return c.call("INFO", "cluster").text().contains("ring_peer_" + peer + ":state=up");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static KvstoreProcess start(Path dir, int port, int i, String members) throws Exception {
        List<String> args = new ArrayList<>(List.of("--node-name", "n" + (i + 1), "--cluster-nodes", members,
                "--cluster-secret", "s3cret"));
        args.addAll(List.of(NO_HINTS));
        return KvstoreProcess.start(dir, port, args.toArray(new String[0]));
    }
}
