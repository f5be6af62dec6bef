package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gossip and the phi accrual failure detector: a peer cut off from the others is marked down and
 * routed around (quorum failures answer at once instead of after the request timeout), and up again
 * when the link heals; a node paused with SIGSTOP for longer than the detection time is marked down,
 * then up after SIGCONT, convicts nobody itself for its own pause, and loses no write.
 */
class FailureDetectionIT {
    private static final String[] FAST = {"--gossip-interval", "50", "--phi-convict-threshold", "8",
            "--replication-factor", "3", "--read-quorum", "2", "--write-quorum", "2"};

    private static void awaitState(RespConnection c, String peer, String state, String what) throws InterruptedException {
        LocalRing.await(what, 10_000, () -> state.equals(ProcessRing.peerState(c, peer)));
    }

    @Test
    void aCutOffPeerIsMarkedDownRoutedAroundAndUpAgain() throws Exception {
        List<String> args = new ArrayList<>(List.of(FAST));
        args.addAll(List.of("--cluster-request-timeout", "3000"));
        try (LocalRing ring = LocalRing.start(new String[] {"", "", ""}, args.toArray(new String[0])).awaitAllUp();
             RespConnection a = new RespConnection(ring.port("n1"));
             RespConnection b = new RespConnection(ring.port("n2"))) {
            awaitState(a, "n3", "up", "n1 to hear from n3");
            ring.cut("n1", "n3");
            ring.cut("n2", "n3");
            awaitState(a, "n3", "down", "n1 to convict n3");
            awaitState(b, "n3", "down", "n2 to convict n3");
            assertTrue(a.call("RING", "NODES").text().contains("state=down"));
            // W=2 still works without n3; W=3 fails at once instead of after the 3 s request timeout
            assertEquals("OK", a.call("SET", "k", "v").text());
            assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
            long t0 = System.nanoTime();
            RespValue refused = a.call("SET", "k", "w");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(refused.text().startsWith("NOREPLICAS"), refused.toString());
            assertTrue(ms < 1000, "answered in " + ms + " ms");
            ring.heal("n1", "n3");
            ring.heal("n2", "n3");
            awaitState(a, "n3", "up", "n1 to see n3 again");
            awaitState(b, "n3", "up", "n2 to see n3 again");
            // up is what gossip heard, possibly second hand: n1's own link to n3 may still be reconnecting
            LocalRing.await("a W=3 write through n1", 10_000, () -> {
                try {
                    return a.call("SET", "k", "x").text().equals("OK");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }
    }

    @Test
    void aPausedNodeIsMarkedDownThenUpAndNothingIsLost() throws Exception {
        List<String> args = new ArrayList<>(List.of(FAST));
        args.addAll(List.of("--cluster-request-timeout", "500"));
        try (ProcessRing ring = new ProcessRing(3, args.toArray(new String[0]));
             RespConnection a = new RespConnection(ring.ports[0]);
             RespConnection c = new RespConnection(ring.ports[2])) {
            ProcessRing.awaitUp(a, "n2", "n3");
            for (int i = 0; i < 100; i++) {
                assertEquals("OK", a.call("SET", "before:" + i, "v" + i).text());
            }
            signal(ring.node(2), "STOP");
            try {
                awaitState(a, "n3", "down", "n1 to convict the paused n3");
                for (int i = 0; i < 100; i++) {
                    assertEquals("OK", a.call("SET", "during:" + i, "v" + i).text()); // W=2 on n1 and n2
                }
            } finally {
                signal(ring.node(2), "CONT");
            }
            awaitState(a, "n3", "up", "n1 to see n3 back");
            // n3 was paused, not its peers: it convicts nobody for its own silence
            assertEquals("up", ProcessRing.peerState(c, "n1"));
            assertEquals("up", ProcessRing.peerState(c, "n2"));
            assertTrue(ring.node(2).log().contains("was paused"), "n3 noticed its pause");
            assertEquals("OK", c.call("CONSISTENCY", "ALL").text());
            for (int i = 0; i < 100; i++) {
                assertEquals("v" + i, c.call("GET", "before:" + i).text());
                assertEquals("v" + i, c.call("GET", "during:" + i).text());
            }
        }
    }

    private static void signal(KvstoreProcess p, String signal) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(p.process().pid())).start().waitFor();
        assertEquals(0, rc, "kill -" + signal);
    }
}
