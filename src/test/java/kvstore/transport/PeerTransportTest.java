package kvstore.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(30)
class PeerTransportTest {
    private static final Duration T = Duration.ofSeconds(5);
    private static final int ECHO = 1;
    private static final int HOLD = 2;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The exception a future failed with, unwrapped; fails the test if it succeeded. */
    private static Throwable failure(CompletableFuture<byte[]> f, Duration bound) throws Exception {
        try {
            byte[] r = f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + str(r));
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static void echo(PeerTransport t) {
        t.register(ECHO, RequestHandler.nonBlocking((peer, p) ->
                CompletableFuture.completedFuture(bytes(peer + ">" + t.nodeName() + ":" + str(p)))));
    }

    @Test
    void roundTripCarriesPeerNamesAndPayload() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            echo(a);
            echo(b);
            assertEquals("a>b:hello", str(a.request("b", ECHO, bytes("hello"), T).get()));
            assertEquals("b>a:back", str(b.request("a", ECHO, bytes("back"), T).get()));
            assertEquals(1, a.openChannels(), "one connection carries both directions");
            assertEquals(1, b.openChannels());
            PeerMetrics m = a.metrics("b");
            assertTrue(m.connected());
            assertEquals(1, m.connections());
            assertTrue(m.bytesOut() > 0 && m.bytesIn() > 0, m.toString());
            assertEquals(0, m.requestsInFlight());
        }
    }

    @Test
    void thousandConcurrentRequestsAreMultiplexedAndMatchedByCorrelationId() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            int count = 1000;
            List<Runnable> answers = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(count);
            // b holds every request and answers them all in shuffled order once all have arrived
            b.register(HOLD, (peer, p) -> {
                CompletableFuture<byte[]> f = new CompletableFuture<>();
                answers.add(() -> f.complete(bytes("re:" + str(p))));
                all.countDown();
                return f;
            });
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(a.request("b", HOLD, bytes("req-" + i), Duration.ofSeconds(20)));
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), "all requests reached b");
            assertEquals(count, a.metrics("b").requestsInFlight());
            List<Runnable> shuffled = new ArrayList<>(answers);
            Collections.shuffle(shuffled, new Random(42));
            shuffled.parallelStream().forEach(Runnable::run);
            for (int i = 0; i < count; i++) {
                assertEquals("re:req-" + i, str(futures.get(i).get(10, TimeUnit.SECONDS)));
            }
            assertEquals(1, a.openChannels());
            assertEquals(1, a.metrics("b").connections());
            assertEquals(0, a.metrics("b").requestsInFlight());
        }
    }

    @Test
    void batchedRequestsAreServedInArrivalOrderAndAnsweredAfterTheirBatchHook() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            List<String> served = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger servedAtHook = new AtomicInteger();
            b.register(ECHO, RequestHandler.batched((peer, p) -> {
                served.add(str(p));
                return p;
            }));
            b.afterBatch(() -> servedAtHook.set(served.size()));
            a.request("b", ECHO, bytes("req-0"), T).get(); // connected: what follows is written in order
            int count = 5000;
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(a.request("b", ECHO, bytes("req-" + i), T).whenComplete((r, e) -> {
                    // the hook of this request's batch ran after the request was served
                    assertTrue(servedAtHook.get() > Integer.parseInt(str(r).substring(4)), "answered before its hook: " + str(r) + " at " + servedAtHook.get());
                }));
            }
            for (int i = 0; i < count; i++) {
                assertEquals("req-" + i, str(futures.get(i).get(10, TimeUnit.SECONDS)));
            }
            assertEquals(count + 1, served.size());
            for (int i = 0; i < count; i++) {
                assertEquals("req-" + i, served.get(i + 1), "served in the order sent");
            }
        }
    }

    @Test
    void sixtyFourMegabytePayloadRoundTrips() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            b.register(ECHO, RequestHandler.nonBlocking((peer, p) -> {
                byte[] r = p.clone();
                r[0] ^= 1; // prove the answer came from the handler
                return CompletableFuture.completedFuture(r);
            }));
            byte[] big = new byte[64 * 1024 * 1024];
            new Random(7).nextBytes(big);
            byte[] r = a.request("b", ECHO, big, Duration.ofSeconds(20)).get(25, TimeUnit.SECONDS);
            assertEquals(big.length, r.length);
            r[0] ^= 1;
            assertArrayEquals(big, r);
            assertTrue(a.metrics("b").bytesOut() > big.length);
        }
    }

    @Test
    void peerWithWrongSecretIsRefusedAndNothingIsProcessed() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport evil = n.start(Nodes.config("c", "not-the-secret", 0).build());
            AtomicInteger processed = new AtomicInteger();
            RequestHandler counting = (peer, p) -> {
                processed.incrementAndGet();
                return CompletableFuture.completedFuture(p);
            };
            a.register(ECHO, counting);
            evil.register(ECHO, counting);
            // c dials a: a rejects c's proof
            Throwable e1 = failure(evil.request("a", ECHO, bytes("x"), T), T);
            assertInstanceOf(PeerAuthenticationException.class, e1, e1.toString());
            evil.send("a", ECHO, bytes("one-way"));
            // a dials c: c rejects a's proof (it holds another secret)
            Throwable e2 = failure(a.request("c", ECHO, bytes("y"), T), T);
            assertInstanceOf(PeerAuthenticationException.class, e2, e2.toString());
            // and it stays refused
            Throwable e3 = failure(evil.request("a", ECHO, bytes("z"), T), T);
            assertInstanceOf(PeerUnavailableException.class, e3, e3.toString());
            assertEquals(0, processed.get());
            assertFalse(a.metrics("c").connected());
            assertFalse(evil.metrics("a").connected());
            assertEquals(0, a.metrics("c").connections());
        }
    }

    @Test
    void reconnectsAfterThePeerRestartsOnTheSamePort() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            echo(b);
            assertEquals("a>b:1", str(a.request("b", ECHO, bytes("1"), T).get()));
            int port = n.port("b");
            n.stop("b");
            Nodes.await("a sees b down", T, () -> !a.metrics("b").connected());
            Throwable down = failure(a.request("b", ECHO, bytes("2"), T), T);
            assertInstanceOf(PeerUnavailableException.class, down, down.toString());

            PeerTransport b2 = n.start(Nodes.config("b", Nodes.SECRET, port).build());
            echo(b2);
            AtomicReference<String> answer = new AtomicReference<>();
            Nodes.await("a reaches the restarted b", Duration.ofSeconds(10), () -> {
                try {
                    answer.set(str(a.request("b", ECHO, bytes("3"), Duration.ofSeconds(1)).get()));
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("a>b:3", answer.get());
            assertTrue(a.metrics("b").reconnects() >= 1, a.metrics("b").toString());
        }
    }

    @Test
    void reconnectsOnItsOwnWithoutTraffic() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            n.start("b");
            echo(n.get("b"));
            a.request("b", ECHO, bytes("1"), T).get();
            int port = n.port("b");
            n.stop("b");
            Nodes.await("a sees b down", T, () -> !a.metrics("b").connected());
            n.start(Nodes.config("b", Nodes.SECRET, port).build());
            Nodes.await("a redials b by itself", Duration.ofSeconds(10), () -> a.metrics("b").connected());
        }
    }

    @Test
    void timeoutCompletesWithTimeoutException() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            b.register(HOLD, (peer, p) -> new CompletableFuture<>()); // never answers
            // the first waits for the connection to be dialled, the second is sent on it at once
            for (String when : List.of("while dialling", "once connected")) {
                long start = System.nanoTime();
                Throwable e = failure(a.request("b", HOLD, bytes("x"), Duration.ofMillis(200)), T);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertInstanceOf(TimeoutException.class, e, when + ": " + e);
                assertTrue(ms >= 190 && ms < 3000, when + ": took " + ms + " ms");
                assertEquals(0, a.metrics("b").requestsInFlight(), when + ": a timed-out request is forgotten");
                assertTrue(a.metrics("b").connected(), when + ": a timeout does not drop the connection");
            }
        }
    }

    @Test
    void pendingRequestsFailFastWhenTheConnectionIsLost() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            CountDownLatch arrived = new CountDownLatch(1);
            b.register(HOLD, (peer, p) -> {
                arrived.countDown();
                return new CompletableFuture<>();
            });
            CompletableFuture<byte[]> f = a.request("b", HOLD, bytes("x"), Duration.ofSeconds(60));
            assertTrue(arrived.await(5, TimeUnit.SECONDS));
            long start = System.nanoTime();
            n.stop("b");
            Throwable e = failure(f, T);
            assertInstanceOf(PeerUnavailableException.class, e, e.toString());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void dropMakesRequestsTimeOutAndHealRestoresThem() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            AtomicInteger served = new AtomicInteger();
            a.register(ECHO, (peer, p) -> {
                served.incrementAndGet();
                return CompletableFuture.completedFuture(p);
            });
            b.register(ECHO, (peer, p) -> {
                served.incrementAndGet();
                return CompletableFuture.completedFuture(p);
            });
            a.request("b", ECHO, bytes("before"), T).get();
            assertEquals(1, served.get());

            a.faults().drop("b");
            Throwable out = failure(a.request("b", ECHO, bytes("a->b"), Duration.ofMillis(300)), T);
            assertInstanceOf(TimeoutException.class, out, out.toString());
            Throwable in = failure(b.request("a", ECHO, bytes("b->a"), Duration.ofMillis(300)), T);
            assertInstanceOf(TimeoutException.class, in, in.toString());
            a.send("b", ECHO, bytes("lost"));
            assertEquals(1, served.get(), "nothing crossed the partition");

            a.faults().heal("b");
            Nodes.await("traffic flows again", Duration.ofSeconds(10), () -> {
                try {
                    return str(a.request("b", ECHO, bytes("after"), Duration.ofMillis(500)).get()).equals("after")
                            && str(b.request("a", ECHO, bytes("back"), Duration.ofMillis(500)).get()).equals("back");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void partitionOutlivingTheConnectionStillTimesOutAndHeals() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start(Nodes.config("a", Nodes.SECRET, 0)
                    .pingInterval(Duration.ofMillis(50)).deadAfter(Duration.ofMillis(300)).build());
            PeerTransport b = n.start(Nodes.config("b", Nodes.SECRET, 0)
                    .pingInterval(Duration.ofMillis(50)).deadAfter(Duration.ofMillis(300)).build());
            echo(b);
            a.request("b", ECHO, bytes("1"), T).get();
            a.faults().drop("b");
            Nodes.await("the silent connection is closed", T, () -> !a.metrics("b").connected()
                    && !b.metrics("a").connected());
            Throwable e = failure(a.request("b", ECHO, bytes("2"), Duration.ofMillis(200)), T);
            assertInstanceOf(TimeoutException.class, e, e.toString());
            a.faults().heal("b");
            assertEquals("a>b:3", str(a.request("b", ECHO, bytes("3"), T).get()));
        }
    }

    @Test
    void delayHoldsFramesBothWays() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            echo(b);
            a.request("b", ECHO, bytes("warm"), T).get();
            a.faults().delay("b", Duration.ofMillis(150));
            long start = System.nanoTime();
            List<CompletableFuture<byte[]>> fs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                fs.add(a.request("b", ECHO, bytes("d" + i), T));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals("a>b:d" + i, str(fs.get(i).get()));
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 295, "out and back were each delayed: " + ms + " ms");
            a.faults().heal("b");
        }
    }

    @Test
    void simultaneousDialLeavesOneConnectionPerPair() throws Exception {
        for (int round = 0; round < 15; round++) {
            try (Nodes n = new Nodes()) {
                PeerTransport a = n.start("a");
                PeerTransport b = n.start("b");
                echo(a);
                echo(b);
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<byte[]> ab = CompletableFuture.supplyAsync(() -> await(go))
                        .thenCompose(x -> a.request("b", ECHO, bytes("x"), T));
                CompletableFuture<byte[]> ba = CompletableFuture.supplyAsync(() -> await(go))
                        .thenCompose(x -> b.request("a", ECHO, bytes("y"), T));
                go.countDown();
                assertEquals("a>b:x", str(ab.get(10, TimeUnit.SECONDS)), "round " + round);
                assertEquals("b>a:y", str(ba.get(10, TimeUnit.SECONDS)), "round " + round);
                Nodes.await("one channel each", T, () -> a.openChannels() == 1 && b.openChannels() == 1);
                var ea = a.endpoints("b");
                var eb = b.endpoints("a");
                assertNotNull(ea);
                assertNotNull(eb);
                assertEquals(ea[0], eb[1], "both sides use the same connection");
                assertEquals(ea[1], eb[0]);
                assertTrue(a.dialledByUs().get("b") != b.dialledByUs().get("a"));
                // and it keeps working
                assertEquals("a>b:z", str(a.request("b", ECHO, bytes("z"), T).get()));
            }
        }
    }

    private static boolean await(CountDownLatch l) {
        try {
            return l.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void threeNodesAllTalkToEachOtherOverOneConnectionPerPair() throws Exception {
        try (Nodes n = new Nodes()) {
            String[] names = {"n1", "n2", "n3"};
            for (String name : names) {
                echo(n.start(name));
            }
            List<CompletableFuture<byte[]>> fs = new ArrayList<>();
            for (String from : names) {
                for (String to : names) {
                    if (!from.equals(to)) {
                        for (int i = 0; i < 50; i++) {
                            fs.add(n.get(from).request(to, ECHO, bytes(from + i), T));
                        }
                    }
                }
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture<?>[]::new)).get(10, TimeUnit.SECONDS);
            Nodes.await("two channels per node", T, () -> Arrays.stream(names).allMatch(x -> n.get(x).openChannels() == 2));
        }
    }

    @Test
    void handlerFailuresAndMissingHandlersBecomeRemoteErrors() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            b.register(7, (peer, p) -> {
                throw new IllegalStateException("boom");
            });
            b.register(8, (peer, p) -> CompletableFuture.failedFuture(new RuntimeException("async boom")));
            Throwable e7 = failure(a.request("b", 7, bytes("x"), T), T);
            assertInstanceOf(RemotePeerException.class, e7);
            assertEquals(ErrorCode.HANDLER_FAILED, ((RemotePeerException) e7).code());
            assertTrue(e7.getMessage().contains("boom"), e7.getMessage());
            Throwable e8 = failure(a.request("b", 8, bytes("x"), T), T);
            assertTrue(e8.getMessage().contains("async boom"), e8.getMessage());
            Throwable e9 = failure(a.request("b", 9, bytes("x"), T), T);
            assertEquals(ErrorCode.NO_HANDLER, ((RemotePeerException) e9).code());
            assertTrue(a.metrics("b").connected(), "errors do not drop the connection");
        }
    }

    @Test
    void blockingHandlersRunOffTheEventLoopAndOneWayMessagesArrive() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            b.register(3, RequestHandler.blocking((peer, p) -> bytes(Thread.currentThread().getName())));
            b.register(4, RequestHandler.nonBlocking((peer, p) ->
                    CompletableFuture.completedFuture(bytes(Thread.currentThread().getName()))));
            assertTrue(str(a.request("b", 3, bytes(""), T).get()).startsWith("peer-handler-b-"));
            assertFalse(str(a.request("b", 4, bytes(""), T).get()).startsWith("peer-handler-"));
            CountDownLatch got = new CountDownLatch(3);
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            b.register(5, (peer, p) -> {
                seen.add(peer + ":" + str(p));
                got.countDown();
                return CompletableFuture.completedFuture(null);
            });
            for (int i = 0; i < 3; i++) {
                a.send("b", 5, bytes("m" + i));
            }
            assertTrue(got.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("a:m0", "a:m1", "a:m2"), seen);
        }
    }

    @Test
    void oversizeFramesCloseTheConnection() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start(Nodes.config("b", Nodes.SECRET, 0).maxFrameSize(64 * 1024).build());
            echo(b);
            assertEquals("a>b:small", str(a.request("b", ECHO, bytes("small"), T).get()));
            Throwable e = failure(a.request("b", ECHO, new byte[100_000], T), T);
            assertInstanceOf(PeerUnavailableException.class, e, e.toString());
            // b's own limit is checked before sending
            Throwable local = failure(b.request("a", ECHO, new byte[100_000], T), T);
            assertInstanceOf(IllegalArgumentException.class, local);
            // the link recovers for frames within the limit
            Nodes.await("b reachable again", Duration.ofSeconds(10), () -> {
                try {
                    return a.request("b", ECHO, bytes("ok"), Duration.ofSeconds(1)).get().length > 0;
                } catch (Exception x) {
                    return false;
                }
            });
        }
    }

    @Test
    void unauthenticatedBytesAreNotProcessed() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport b = n.start("b");
            AtomicInteger processed = new AtomicInteger();
            b.register(ECHO, (peer, p) -> {
                processed.incrementAndGet();
                return CompletableFuture.completedFuture(p);
            });
            // a REQUEST before any handshake: refused and closed
            try (Socket s = new Socket("127.0.0.1", n.port("b"))) {
                s.setSoTimeout(5000);
                ByteBuffer frame = ByteBuffer.allocate(4 + 10 + 4 + 2);
                frame.putInt(10 + 4 + 2).put(FrameType.REQUEST.id()).put((byte) 0).putLong(1).putInt(ECHO).put(bytes("hi"));
                OutputStream out = s.getOutputStream();
                out.write(frame.array());
                out.flush();
                assertClosed(s.getInputStream());
            }
            // an announced frame over the pre-authentication limit: closed without reading it
            try (Socket s = new Socket("127.0.0.1", n.port("b"))) {
                s.setSoTimeout(5000);
                ByteBuffer frame = ByteBuffer.allocate(14);
                frame.putInt(0x7fff_0000).put(FrameType.HANDSHAKE.id()).put((byte) 0).putLong(0);
                s.getOutputStream().write(frame.array());
                assertClosed(s.getInputStream());
            }
            assertEquals(0, processed.get());
            Nodes.await("no channels left", T, () -> b.openChannels() == 0);
        }
    }

    private static void assertClosed(InputStream in) throws Exception {
        byte[] buf = new byte[4096];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            int r;
            try {
                r = in.read(buf);
            } catch (java.net.SocketException reset) {
                return;
            }
            if (r < 0) {
                return;
            }
            // an ERROR frame may come first; it must not be a RESPONSE
            if (r >= 5 && buf[4] == FrameType.RESPONSE.id()) {
                fail("got a response without authenticating");
            }
        }
        fail("connection was not closed");
    }

    @Test
    void peersCanBeRemovedAndUnknownPeersFailFast() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            echo(b);
            a.request("b", ECHO, bytes("1"), T).get();
            Throwable unknown = failure(a.request("zz", ECHO, bytes("1"), T), T);
            assertInstanceOf(PeerUnavailableException.class, unknown);
            a.setPeers(java.util.Map.of());
            Throwable gone = failure(a.request("b", ECHO, bytes("1"), T), T);
            assertInstanceOf(PeerUnavailableException.class, gone);
            Nodes.await("connection closed", T, () -> a.openChannels() == 0);
        }
    }
}
