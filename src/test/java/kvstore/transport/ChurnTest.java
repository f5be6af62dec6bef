package kvstore.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections are cut under load from both sides: every request ends, none hangs to its timeout. */
@Timeout(40)
class ChurnTest {
    @Test
    void requestsNeverHangWhileConnectionsAreCutRepeatedly() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            a.register(1, (peer, p) -> CompletableFuture.completedFuture(p));
            b.register(1, (peer, p) -> CompletableFuture.completedFuture(p));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger unavailable = new AtomicInteger();
            List<Throwable> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                PeerTransport from = t % 2 == 0 ? a : b;
                String to = t % 2 == 0 ? "b" : "a";
                int id = t;
                Thread th = new Thread(() -> {
                    long i = 0;
                    while (!stop.get()) {
                        byte[] payload = ByteBuffer.allocate(12).putInt(id).putLong(i++).array();
                        List<CompletableFuture<byte[]>> batch = new ArrayList<>();
                        for (int k = 0; k < 20; k++) {
                            batch.add(from.request(to, 1, payload, Duration.ofSeconds(3)));
                        }
                        for (CompletableFuture<byte[]> f : batch) {
                            try {
                                byte[] r = f.get();
                                if (!java.util.Arrays.equals(r, payload)) {
                                    wrong.add(new AssertionError("answer to another request"));
                                }
                                ok.incrementAndGet();
                            } catch (ExecutionException e) {
                                if (e.getCause() instanceof PeerUnavailableException) {
                                    unavailable.incrementAndGet();
                                } else {
                                    wrong.add(e.getCause());
                                }
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
                th.start();
                clients.add(th);
            }
            for (int cut = 0; cut < 20; cut++) {
                int before = ok.get();
                Nodes.await("progress before cut " + cut, Duration.ofSeconds(10), () -> ok.get() > before + 50);
                PeerTransport side = cut % 2 == 0 ? a : b;
                PeerConnection c = side.linkFor(side == a ? "b" : "a").active();
                if (c != null) {
                    c.close();
                }
            }
            int before = ok.get();
            Nodes.await("progress after the last cut", Duration.ofSeconds(10), () -> ok.get() > before + 50);
            stop.set(true);
            for (Thread th : clients) {
                th.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertTrue(wrong.isEmpty(), () -> "unexpected outcomes: " + wrong.subList(0, Math.min(5, wrong.size())));
            Nodes.await("one channel each", Duration.ofSeconds(5), () -> a.openChannels() == 1 && b.openChannels() == 1);
            assertEquals(0, a.metrics("b").requestsInFlight());
            assertTrue(a.metrics("b").reconnects() + b.metrics("a").reconnects() >= 10,
                    a.metrics("b") + " / " + b.metrics("a"));
            System.out.println("churn: ok=" + ok.get() + " unavailable=" + unavailable.get());
        }
    }
}
