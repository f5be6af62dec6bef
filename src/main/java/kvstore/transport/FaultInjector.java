package kvstore.transport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deterministic network faults for tests, applied by one transport to its traffic with named peers.
 * {@link #drop} behaves like a partition: frames to and from the peer are discarded (in both
 * directions, on the connection as it is), no new connection is made, a handshake from the peer
 * goes unanswered until the fault heals (as TCP would retransmit it), and requests time out rather
 * than fail. {@link #delay} holds every frame to and from the peer for a fixed
 * time, keeping order. {@link #heal} removes the fault and reconnects at once if needed.
 * The handshake itself is not delayed.
 */
public final class FaultInjector {
    private static final long DROP = -1;

    private final Map<String, Long> faults = new ConcurrentHashMap<>();
    private final java.util.function.Consumer<String> onHeal;

    FaultInjector(java.util.function.Consumer<String> onHeal) {
        this.onHeal = onHeal;
    }

    public void drop(String peer) {
        faults.put(peer, DROP);
    }

    public void delay(String peer, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay");
        }
        faults.put(peer, delay.toNanos());
    }

    public void heal(String peer) {
        if (faults.remove(peer) != null) {
            onHeal.accept(peer);
        }
    }

    public void healAll() {
        for (String peer : faults.keySet()) {
            heal(peer);
        }
    }

    boolean dropped(String peer) {
        Long f = faults.get(peer);
        return f != null && f == DROP;
    }

    /** Nanoseconds to hold frames to and from the peer; 0 for none. */
    long delayNanos(String peer) {
        Long f = faults.get(peer);
        return f == null || f == DROP ? 0 : f;
    }

    boolean any() {
        return !faults.isEmpty();
    }
}
