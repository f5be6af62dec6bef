package kvstore.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(30)
class HandshakeEdgeTest {
    private static final Duration T = Duration.ofSeconds(5);

    private static Throwable failure(CompletableFuture<byte[]> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void silentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (Nodes n = new Nodes()) {
            n.start(Nodes.config("b", Nodes.SECRET, 0).handshakeTimeout(Duration.ofMillis(300)).build());
            try (Socket s = new Socket("127.0.0.1", n.port("b"))) {
                s.setSoTimeout(5000);
                long start = System.nanoTime();
                InputStream in = s.getInputStream();
                assertEquals(-1, in.read(), "closed without a word");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms >= 250 && ms < 4000, ms + " ms");
            }
        }
    }

    @Test
    void dialToAPeerThatNeverAnswersTheHandshakeFails() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             Nodes n = new Nodes()) {
            PeerTransport a = n.start(Nodes.config("a", Nodes.SECRET, 0).handshakeTimeout(Duration.ofMillis(300)).build());
            a.setPeers(Map.of("m", new InetSocketAddress("127.0.0.1", mute.getLocalPort())));
            // a short request timeout wins over the handshake timeout
            Throwable first = failure(a.request("m", 1, bytes("x"), Duration.ofMillis(100)));
            assertInstanceOf(TimeoutException.class, first);
            // a long one sees the handshake fail
            Throwable second = failure(a.request("m", 1, bytes("x"), T));
            assertInstanceOf(PeerUnavailableException.class, second, second.toString());
        }
    }

    @Test
    void defaultBindListensOnEveryInterface() throws Exception {
        try (PeerTransport t = new PeerTransport(TransportConfig.builder("x", "s", 0).build()).start();
             Socket s = new Socket("127.0.0.1", t.port())) {
            assertTrue(s.isConnected());
        }
    }

    @Test
    void reachingTheWrongNodeIsRefused() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport c = n.start("c");
            c.register(1, (peer, p) -> CompletableFuture.completedFuture(p));
            // a believes b lives where c does
            a.setPeers(Map.of("b", new InetSocketAddress("127.0.0.1", n.port("c"))));
            Throwable e = failure(a.request("b", 1, bytes("x"), T));
            assertInstanceOf(PeerUnavailableException.class, e, e.toString());
            assertEquals(0, c.metrics().values().stream().mapToLong(PeerMetrics::connections).sum());
        }
    }

    @Test
    void anUnannouncedPeerIsServedAndCanBeAnsweredWhileConnected() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport seed = n.start("seed");
            seed.register(1, (peer, p) -> CompletableFuture.completedFuture(bytes("hi " + peer)));
            // a joining node knows the seed; the seed does not know it yet
            PeerTransport joiner = new PeerTransport(Nodes.config("joiner", Nodes.SECRET, 0).build()).start();
            try {
                joiner.register(2, (peer, p) -> CompletableFuture.completedFuture(bytes("welcome " + peer)));
                joiner.setPeers(Map.of("seed", new InetSocketAddress("127.0.0.1", n.port("seed"))));
                assertEquals("hi joiner", new String(joiner.request("seed", 1, bytes(""), T).get(), StandardCharsets.UTF_8));
                assertEquals("welcome seed", new String(seed.request("joiner", 2, bytes(""), T).get(), StandardCharsets.UTF_8));
                assertNull(seed.metrics("joiner").address());
            } finally {
                joiner.close();
            }
            Nodes.await("the seed forgets the unannounced peer", T, () -> seed.metrics("joiner") == null);
        }
    }

    @Test
    void handshakeFramesAfterAuthenticationCloseTheConnection() throws Exception {
        try (Nodes n = new Nodes()) {
            PeerTransport a = n.start("a");
            PeerTransport b = n.start("b");
            b.register(1, (peer, p) -> CompletableFuture.completedFuture(p));
            a.request("b", 1, bytes("x"), T).get();
            PeerConnection c = a.linkFor("b").active();
            if (c == null) {
                fail("no connection");
            }
            c.write(Frame.of(FrameType.HANDSHAKE, 0, Handshake.hello("a", "b", Handshake.nonce())));
            Nodes.await("b drops the misbehaving connection", T, () -> !b.metrics("a").connected());
        }
    }
}
