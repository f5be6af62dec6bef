package kvstore.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A peer with the wrong secret is logged at WARN once, with its address, however often it retries. */
@Timeout(30)
class AuthLogTest {
    @Test
    void wrongSecretIsWarnedOncePerPeerAddress() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Nodes n = new Nodes()) {
            PeerTransport good = n.start("good");
            PeerTransport evil = n.start(Nodes.config("evil", "wrong", 0)
                    .reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(2)).build());
            good.register(1, (peer, p) -> CompletableFuture.completedFuture(p));
            int refusals = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (refusals < 5 && System.nanoTime() < deadline) {
                try {
                    evil.request("good", 1, new byte[1], Duration.ofSeconds(2)).get();
                    throw new AssertionError("evil got through");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof PeerAuthenticationException) {
                        refusals++;
                    }
                }
                Thread.sleep(5);
            }
            assertEquals(5, refusals, "each dial was refused");
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        long warnings = log.lines()
                .filter(l -> l.contains("WARN") && l.contains("peer evil at /127.0.0.1:") && l.contains("wrong proof"))
                .count();
        assertEquals(1, warnings, log);
        // the refused side says so too, once
        long refused = log.lines()
                .filter(l -> l.contains("WARN") && l.contains("peer good at ") && l.contains("rejected our proof"))
                .count();
        assertEquals(1, refused, log);
    }
}
