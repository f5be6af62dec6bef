package kvstore.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer that stops reading makes requests fail fast instead of queueing without bound. */
@Timeout(30)
class BackpressureTest {
    @Test
    void slowPeerMakesRequestsFailFastUntilItDrains() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start(Nodes.config("a", Nodes.SECRET, 0).maxQueuedBytes(2 * 1024 * 1024).build());
            PeerTransport b = n.start("b");
            b.register(1, (peer, p) -> CompletableFuture.completedFuture(new byte[] {(byte) p.length}));
            a.request("b", 1, new byte[1], Duration.ofSeconds(5)).get();
            PeerConnection atB = b.linkFor("a").active();
            atB.channel.config().setAutoRead(false); // b stops reading from a

            byte[] chunk = new byte[256 * 1024];
            List<CompletableFuture<byte[]>> sent = new ArrayList<>();
            Throwable refused = null;
            int refusedInARow = 0;
            // keep sending until refusals persist: the socket buffers are full and a's queue stays over its limit
            for (int i = 0; i < 800 && refusedInARow < 3; i++) {
                CompletableFuture<byte[]> f = a.request("b", 1, chunk, Duration.ofSeconds(20));
                if (f.isCompletedExceptionally()) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        refused = e.getCause();
                    }
                    refusedInARow++;
                    Thread.sleep(50);
                } else {
                    sent.add(f);
                    refusedInARow = 0;
                }
            }
            assertTrue(refused instanceof PeerOverloadedException, String.valueOf(refused));
            assertEquals(3, refusedInARow);
            long queued = a.metrics("b").queuedBytes();
            assertTrue(queued >= 1024 * 1024 && queued < 64L * 1024 * 1024, "queued " + queued);

            atB.channel.config().setAutoRead(true);
            atB.channel.read();
            for (CompletableFuture<byte[]> f : sent) {
                assertEquals(0, f.get(20, TimeUnit.SECONDS)[0]); // 256 KB mod 256
            }
            a.request("b", 1, chunk, Duration.ofSeconds(5)).get();
            assertEquals(0, a.metrics("b").queuedBytes());
        }
    }
}
