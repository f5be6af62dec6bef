package kvstore.cluster;

import kvstore.transport.PeerTransport;
import kvstore.transport.RequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Gossip membership and failure detection. Every interval this node increments its heartbeat and
 * exchanges its view, a (generation, heartbeat) pair per node, with one random peer (push-pull), so a
 * change reaches every node in O(log n) rounds. The generation is the node's start time, so a
 * restarted node's heartbeats supersede its old ones.
 *
 * <p>Whenever a newer heartbeat of a peer arrives, directly or through another node, its
 * {@link PhiAccrualDetector} records it; a peer whose phi passes the threshold is down, and up again
 * at its next heartbeat. Each round also goes to a down peer with probability 1/(up peers + 1), so a
 * node that comes back is found, and a peer with no up peer to talk to talks to a random one. A
 * round also goes to one of the seeds (the members cluster-nodes lists) with a chance of
 * seeds / peers, so that nodes that joined later never drift into a group of their own.
 *
 * <p>Pause guard: if this node's own round comes late by more than {@link #PAUSE_ROUNDS} intervals
 * and at least a second (a GC pause, SIGSTOP), it was not listening either, so every detector restarts its count from now
 * and nobody is convicted for the silence this node caused itself.
 *
 * <p>Gossip also spreads the ring's {@link Membership}: a node that hears of a newer version adopts it.
 *
 * <p>GOSSIP message (request and response alike): i64 membership version, i32 length, the members in
 * {@code cluster-nodes} form (empty for version 0, the configured ring), i32 n, then n times (i16 name
 * length, UTF-8 node name, i64 generation, i64 heartbeat).
 */
final class Gossiper {
    static final int GOSSIP = 50;
    static final int PAUSE_ROUNDS = 3;
    /** A late round counts as a pause only from 1 s: shorter hiccups (a busy CPU) convict nobody anyway. */
    static final long MIN_PAUSE_NANOS = 1_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(Gossiper.class);

    private record Beat(long generation, long heartbeat) {
        boolean newerThan(Beat o) {
            return o == null || generation > o.generation || (generation == o.generation && heartbeat > o.heartbeat);
        }
    }

    private final String self;
    private final Membership membership;
    /** The members cluster-nodes lists: gossiped with now and then, so that no group of nodes drifts apart. */
    private final List<String> seeds;
    private final PeerTransport transport;
    private final long intervalNanos;
    private final double threshold;
    private final Map<String, Beat> view = new ConcurrentHashMap<>();
    private final Map<String, PhiAccrualDetector> detectors = new ConcurrentHashMap<>();
    private final Map<String, Boolean> up = new ConcurrentHashMap<>();
    private final long generation = System.currentTimeMillis();
    private long heartbeat;
    private long lastRound;

    Gossiper(String self, Membership membership, List<String> seeds, PeerTransport transport, Duration interval,
             double threshold) {
        this.self = self;
        this.membership = membership;
        this.seeds = seeds.stream().filter(n -> !n.equals(self)).toList();
        this.transport = transport;
        this.intervalNanos = interval.toNanos();
        this.threshold = threshold;
        peers();
        view.put(self, new Beat(generation, 0));
    }

    /** The other members of the current ring; a new one gets a detector, optimistic until its silence convicts it. */
    private List<String> peers() {
        List<String> out = new ArrayList<>();
        for (RingMember m : membership.ring().members()) {
            if (!m.name().equals(self)) {
                out.add(m.name());
                if (!detectors.containsKey(m.name())) {
                    detectors.putIfAbsent(m.name(), new PhiAccrualDetector(intervalNanos, System.nanoTime()));
                    up.putIfAbsent(m.name(), true);
                }
            }
        }
        return out;
    }

    /** Registers the GOSSIP handler and schedules the rounds on {@code timer}. */
    void start(ScheduledExecutorService timer) {
        transport.register(GOSSIP, RequestHandler.nonBlocking((peer, payload) -> {
            merge(payload);
            return CompletableFuture.completedFuture(encode());
        }));
        timer.scheduleWithFixedDelay(this::round, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** True unless the detector has convicted {@code peer}; this node is always up. */
    boolean isUp(String peer) {
        return up.getOrDefault(peer, true);
    }

    /** The peer's current phi (0 for this node). */
    double phi(String peer) {
        PhiAccrualDetector d = detectors.get(peer);
        return d == null ? 0 : d.phi(System.nanoTime());
    }

    /** How many peers are up. */
    int peersUp() {
        int n = 0;
        for (String p : peers()) {
            n += isUp(p) ? 1 : 0;
        }
        return n;
    }

    /** One round; runs on the timer thread. */
    void round() {
        try {
            long now = System.nanoTime();
            if (lastRound != 0 && now - lastRound > Math.max(PAUSE_ROUNDS * intervalNanos, MIN_PAUSE_NANOS)) {
                log.warn("This node was paused for {} ms: failure detection restarts its count",
                        (now - lastRound) / 1_000_000);
                for (PhiAccrualDetector d : detectors.values()) {
                    d.restart(now);
                }
            }
            lastRound = now;
            view.put(self, new Beat(generation, ++heartbeat));
            String target = pickTarget();
            if (target != null) {
                exchange(target);
            }
            // now and then a seed too (as Cassandra does), with a chance of seeds / peers
            List<String> peers = peers();
            if (!seeds.isEmpty() && !seeds.contains(target)
                    && ThreadLocalRandom.current().nextInt(Math.max(1, peers.size())) < seeds.size()) {
                exchange(seeds.get(ThreadLocalRandom.current().nextInt(seeds.size())));
            }
            judge(now);
        } catch (RuntimeException e) {
            log.warn("Gossip round failed", e);
        }
    }

    private void exchange(String peer) {
        transport.request(peer, GOSSIP, encode(), Duration.ofNanos(intervalNanos * 2)).whenComplete((reply, e) -> {
            if (e == null) {
                merge(reply);
            }
        });
    }

    private String pickTarget() {
        List<String> peers = peers();
        if (peers.isEmpty()) {
            return null;
        }
        List<String> live = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (String p : peers) {
            (isUp(p) ? live : down).add(p);
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (!down.isEmpty() && (live.isEmpty() || rnd.nextInt(live.size() + 1) == 0)) {
            return down.get(rnd.nextInt(down.size()));
        }
        return live.get(rnd.nextInt(live.size()));
    }

    /** Marks the peers whose phi passed the threshold down (a heartbeat marks a peer up: {@link #merge}). */
    private void judge(long now) {
        for (String p : peers()) {
            double phi = detectors.get(p).phi(now);
            if (phi >= threshold && up.put(p, false) == Boolean.TRUE) {
                log.info("Peer {} is down (phi {})", p, String.format(java.util.Locale.ROOT, "%.1f", phi));
            }
        }
    }

    void merge(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        long membershipVersion = b.getLong();
        String members = new String(ReplicaMessages.bytes(b, b.getInt()), StandardCharsets.UTF_8);
        if (membershipVersion > membership.version()) {
            membership.adopt(membershipVersion, members);
        }
        int n = b.getInt();
        if (n < 0 || n > 10_000) {
            throw new IllegalArgumentException("bad gossip entry count " + n);
        }
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String name = new String(ReplicaMessages.bytes(b, b.getShort() & 0xffff), StandardCharsets.UTF_8);
            Beat beat = new Beat(b.getLong(), b.getLong());
            PhiAccrualDetector d = detectors.get(name);
            if (d == null) {
                continue; // this node itself, or a node not in this node's ring
            }
            boolean[] newer = {false};
            view.compute(name, (k, old) -> {
                newer[0] = beat.newerThan(old);
                return newer[0] ? beat : old;
            });
            if (newer[0]) {
                d.heartbeat(now);
                if (up.put(name, true) == Boolean.FALSE) {
                    log.info("Peer {} is up again", name);
                }
            }
        }
    }

    private byte[] encode() {
        List<byte[]> names = new ArrayList<>(view.size());
        List<Beat> beats = new ArrayList<>(view.size());
        long membershipVersion = membership.version();
        byte[] members = membershipVersion == 0 ? new byte[0] : membership.spec().getBytes(StandardCharsets.UTF_8);
        int size = 8 + 4 + members.length + 4;
        for (Map.Entry<String, Beat> e : view.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            beats.add(e.getValue());
            size += 2 + name.length + 16;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putLong(membershipVersion).putInt(members.length).put(members)
                .putInt(names.size());
        for (int i = 0; i < names.size(); i++) {
            b.putShort((short) names.get(i).length).put(names.get(i))
                    .putLong(beats.get(i).generation).putLong(beats.get(i).heartbeat);
        }
        return b.array();
    }
}
