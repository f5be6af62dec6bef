package kvstore.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A three-node cluster split into {n1} and {n2, n3} by fault injection on every side, then healed. */
@Timeout(60)
class PartitionTest {
    private static final String[] NAMES = {"n1", "n2", "n3"};

    private static String call(Nodes n, String from, String to, Duration timeout) throws Exception {
        byte[] r = n.get(from).request(to, 1, from.getBytes(StandardCharsets.UTF_8), timeout).get(10, TimeUnit.SECONDS);
        return new String(r, StandardCharsets.UTF_8);
    }

    private static Throwable failure(Nodes n, String from, String to) throws Exception {
        try {
            call(n, from, to, Duration.ofMillis(200));
            throw new AssertionError(from + " reached " + to + " across the partition");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void minorityIsCutOffBothWaysAndRejoinsAfterHeal() throws Exception {
        try (Nodes n = new Nodes()) {
            for (String name : NAMES) {
                PeerTransport t = n.start(Nodes.config(name, Nodes.SECRET, 0)
                        .pingInterval(Duration.ofMillis(50)).deadAfter(Duration.ofMillis(400)).build());
                t.register(1, (peer, p) -> CompletableFuture.completedFuture(
                        (new String(p, StandardCharsets.UTF_8) + "->" + name).getBytes(StandardCharsets.UTF_8)));
            }
            for (String a : NAMES) {
                for (String b : NAMES) {
                    if (!a.equals(b)) {
                        assertEquals(a + "->" + b, call(n, a, b, Duration.ofSeconds(5)));
                    }
                }
            }
            n.get("n1").faults().drop("n2");
            n.get("n1").faults().drop("n3");
            n.get("n2").faults().drop("n1");
            n.get("n3").faults().drop("n1");
            for (String other : new String[] {"n2", "n3"}) {
                assertInstanceOf(TimeoutException.class, failure(n, "n1", other));
                assertInstanceOf(TimeoutException.class, failure(n, other, "n1"));
            }
            assertEquals("n2->n3", call(n, "n2", "n3", Duration.ofSeconds(5)));
            assertEquals("n3->n2", call(n, "n3", "n2", Duration.ofSeconds(5)));
            // let the silent connections die, so healing needs real reconnects
            Nodes.await("n1 disconnected", Duration.ofSeconds(5), () -> !n.get("n1").metrics("n2").connected()
                    && !n.get("n1").metrics("n3").connected());

            for (String name : NAMES) {
                n.get(name).faults().healAll();
            }
            // the reconnects take a round trip or a retry; wait for them rather than race them
            Nodes.await("n1 reconnected", Duration.ofSeconds(10), () -> n.get("n1").metrics("n2").connected()
                    && n.get("n1").metrics("n3").connected());
            for (String a : NAMES) {
                for (String b : NAMES) {
                    if (!a.equals(b)) {
                        assertEquals(a + "->" + b, call(n, a, b, Duration.ofSeconds(5)));
                    }
                }
            }
            Nodes.await("one connection per pair", Duration.ofSeconds(5), () ->
                    n.get("n1").openChannels() == 2 && n.get("n2").openChannels() == 2 && n.get("n3").openChannels() == 2);
        }
    }

    @Test
    void aHandshakeSentAcrossAPartitionIsAnsweredWhenItHeals() throws Exception {
        try (Nodes n = new Nodes()) {
            for (String name : new String[] {"n1", "n2"}) {
                PeerTransport t = n.start(Nodes.config(name, Nodes.SECRET, 0).handshakeTimeout(Duration.ofSeconds(50))
                        .pingInterval(Duration.ofMillis(50)).deadAfter(Duration.ofMillis(400)).build());
                t.register(1, (peer, p) -> CompletableFuture.completedFuture(p));
            }
            assertEquals("n1", call(n, "n1", "n2", Duration.ofSeconds(5)));
            n.get("n1").faults().drop("n2");
            n.get("n2").faults().drop("n1");
            Nodes.await("n1 disconnected", Duration.ofSeconds(5), () -> !n.get("n1").metrics("n2").connected());
            // one side heals first and dials at once; the other, still cut off, leaves the hello unanswered
            n.get("n1").faults().heal("n2");
            Nodes.await("n2 to hold n1's hello", Duration.ofSeconds(5), () -> n.get("n2").heldHandshakes("n1") == 1);
            n.get("n2").faults().heal("n1");
            // answered now, not after the 50 s handshake timeout
            Nodes.await("n1 reconnected", Duration.ofSeconds(10), () -> n.get("n1").metrics("n2").connected());
            assertEquals("n2", call(n, "n2", "n1", Duration.ofSeconds(5)));
        }
    }
}
