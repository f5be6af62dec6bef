package kvstore.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Several transports in one JVM on loopback, each knowing the others; closes them all at the end. */
final class Nodes implements AutoCloseable {
    static final String SECRET = "test-cluster-secret";

    private final Map<String, PeerTransport> nodes = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    private final List<PeerTransport> all = new ArrayList<>();

    static TransportConfig.Builder config(String name, String secret, int port) {
        return TransportConfig.builder(name, secret, port)
                .bindHost("127.0.0.1")
                .ioThreads(2)
                .blockingThreads(4)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(400))
                .pingInterval(Duration.ofMillis(500))
                .deadAfter(Duration.ofSeconds(5));
    }

    PeerTransport start(String name) throws InterruptedException {
        return start(config(name, SECRET, 0).build());
    }

    PeerTransport start(TransportConfig cfg) throws InterruptedException {
        PeerTransport t = new PeerTransport(cfg).start();
        nodes.put(cfg.nodeName(), t);
        all.add(t);
        addresses.put(cfg.nodeName(), new InetSocketAddress("127.0.0.1", t.port()));
        for (PeerTransport n : nodes.values()) {
            n.setPeers(addresses);
        }
        return t;
    }

    /** Closes a node but keeps its address in everyone's peer list (a crash, as others see it). */
    void stop(String name) {
        nodes.remove(name).close();
    }

    int port(String name) {
        return addresses.get(name).getPort();
    }

    PeerTransport get(String name) {
        return nodes.get(name);
    }

    static void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + bound.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        for (PeerTransport t : all) {
            t.close();
        }
    }
}
