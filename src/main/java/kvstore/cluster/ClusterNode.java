package kvstore.cluster;

import kvstore.config.Config;
import kvstore.keyspace.DatabaseMap;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.MappedDatabases;
import kvstore.storage.Engine;
import kvstore.transport.PeerTransport;
import kvstore.transport.TransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's place in the cluster, built from the configuration: a single node (cluster-nodes lists
 * at most one node) with the {@link SingleNodeCoordinator}, or a member of a static ring with the
 * {@link RingCoordinator}, its peer transport, and the worker pool on which client commands run off
 * the event loops.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

    private final Keyspace keyspace;
    private final Topology topology;
    private final LocalReplica replica;
    private final PeerTransport transport;
    private kvstore.storage.PurgePolicy purgePolicy = kvstore.storage.PurgePolicy.NEVER;
    /** Ring only: gossip, hint delivery and anti-entropy, each on its own timer thread. */
    private final Background tasks;
    private final ExecutorService commandExecutor;
    private final ExecutorService background;

    private ClusterNode(Keyspace keyspace, Topology topology, LocalReplica replica, PeerTransport transport,
                        Background tasks, ExecutorService commandExecutor, ExecutorService background) {
        this.keyspace = keyspace;
        this.topology = topology;
        this.replica = replica;
        this.transport = transport;
        this.tasks = tasks;
        this.commandExecutor = commandExecutor;
        this.background = background;
    }

    public static ClusterNode create(Config config, Engine engine, long actor, DatabaseMap databases) {
        ClusterNode node = build(config, engine, actor, databases);
        node.replica.setMaxSiblings(config.getInt("max-siblings"));
        config.onChange("max-siblings", v -> node.replica.setMaxSiblings(Integer.parseInt(v)));
        return node;
    }

    /**
     * True if this node is (or joins) a ring: cluster-nodes lists several nodes, or one node that is
     * not this one (a seed to join through). Otherwise it is a single node.
     */
    public static boolean isRing(Config config) {
        List<RingMember> members = RingMember.parseList(config.get("cluster-nodes"));
        String name = config.get("node-name");
        return members.size() > 1 || (members.size() == 1 && !name.isEmpty() && !members.get(0).name().equals(name));
    }

    private static ClusterNode build(Config config, Engine engine, long actor, DatabaseMap map) {
        int databases = config.getInt("databases");
        List<RingMember> members = RingMember.parseList(config.get("cluster-nodes"));
        String name = config.get("node-name");
        boolean listed = members.stream().anyMatch(m -> m.name().equals(name));
        if (!isRing(config)) {
            SingleNodeCoordinator single = new SingleNodeCoordinator(engine, actor, databases);
            String self = members.isEmpty() ? (name.isEmpty() ? "local" : name) : members.get(0).name();
            RingMember me = members.isEmpty()
                    ? new RingMember(self, "127.0.0.1", config.getInt("port"), 0, config.get("rack"),
                    config.getInt("node-weight"))
                    : members.get(0);
            Ring ring = new Ring(List.of(me), 1);
            return new ClusterNode(new MappedDatabases(single, map), new SingleTopology(ring, self), single.replica(),
                    null, null, null, null);
        }
        if (map.swapped()) {
            throw new IllegalArgumentException("the databases were swapped (SWAPDB) while this node ran alone, and a "
                    + "ring cannot map them: swap them back on the single node before it joins a ring");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("node-name must be set when cluster-nodes lists a ring");
        }
        RingMember me = listed ? members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow()
                : joiningMember(config, name); // not listed: a node that joins the ring with RING JOIN
        checkAgainstConfig(config, me);
        String secret = config.get("cluster-secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("cluster-secret must be set when cluster-nodes lists more than one node");
        }
        int rf = config.getInt("replication-factor");
        for (String q : new String[] {"read-quorum", "write-quorum"}) {
            if (config.getInt(q) > rf) {
                throw new IllegalArgumentException(q + " " + config.getInt(q) + " exceeds replication-factor " + rf);
            }
        }
        java.nio.file.Path dir = java.nio.file.Path.of(config.get("dir"));
        Membership membership = new Membership(members, rf, dir.resolve("ring-members"));
        PeerTransport transport = new PeerTransport(TransportConfig.builder(name, secret, me.busPort()).build());
        Map<String, java.net.InetSocketAddress> peers = new HashMap<>();
        Runnable updatePeers = () -> {
            // departed members stay reachable: the others still fetch the slots they held
            synchronized (peers) {
                for (RingMember m : membership.ring().members()) {
                    if (!m.name().equals(name)) {
                        peers.put(m.name(), new java.net.InetSocketAddress(m.host(), m.busPort()));
                    }
                }
                transport.setPeers(new HashMap<>(peers));
            }
        };
        membership.onChange((old, next) -> updatePeers.run());
        ExecutorService background = pool("kvstore-repair-" + name, 2);
        ExecutorService commands = pool("kvstore-cmd-" + name, Math.max(64, Runtime.getRuntime().availableProcessors() * 8));
        LocalReplica replica = new LocalReplica(engine, actor, databases, new kvstore.keyspace.KeyLocks(), true);
        Gossiper gossiper = new Gossiper(name, membership, members.stream().map(RingMember::name).toList(), transport,
                Duration.ofMillis(config.getLong("gossip-interval")), config.getInt("phi-convict-threshold"));
        Duration requestTimeout = Duration.ofMillis(config.getLong("cluster-request-timeout"));
        HintedHandoff handoff;
        try {
            handoff = new HintedHandoff(dir.resolve("hints"), transport, gossiper::isUp,
                    requestTimeout, config.getLong("hint-max-bytes"), Duration.ofSeconds(config.getLong("hint-max-age")),
                    config.getLong("hint-throughput"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot open the hints under " + dir, e);
        }
        AntiEntropy antiEntropy = new AntiEntropy(membership, me, replica, transport, gossiper::isUp, requestTimeout,
                config.getLong("anti-entropy-throughput"));
        Transfers transfers = new Transfers(me, membership, antiEntropy, replica, gossiper::isUp,
                dir.resolve("ring-receiving"));
        RingCoordinator ringCoordinator = new RingCoordinator(membership, me, replica,
                new RingCoordinator.Parts(transport, gossiper, handoff, antiEntropy, transfers),
                config.getBool("sloppy-quorum"), requestTimeout,
                config.getInt("read-quorum"), config.getInt("write-quorum"), background);
        ringCoordinator.setReadRepairPercent(config.getInt("read-repair-percent"));
        config.onChange("read-repair-percent", v -> ringCoordinator.setReadRepairPercent(Integer.parseInt(v)));
        updatePeers.run();
        ClusterNode node = new ClusterNode(ringCoordinator, ringCoordinator, replica, transport, new Background(gossiper,
                handoff, antiEntropy, transfers, Duration.ofSeconds(config.getLong("anti-entropy-interval")), name),
                commands, background);
        long horizonMs = 1000 * Math.max(config.getLong("purge-grace-period"), config.getLong("hint-max-age"));
        node.purgePolicy = (key, set) -> MerkleTrees.onlyTombstones(set)
                && set.newestTimestamp() + horizonMs < antiEntropy.confirmedAt(kvstore.storage.StorageKey.slot(key));
        return node;
    }


    /** This node's entry when cluster-nodes does not list it: from port, cluster-port, rack and weight. */
    private static RingMember joiningMember(Config config, String name) {
        int port = config.getInt("port");
        int bus = config.getInt("cluster-port");
        return new RingMember(name, config.get("cluster-announce-host"), port, bus == 0 ? port + 10000 : bus,
                config.get("rack"), config.getInt("node-weight"));
    }

    private static void checkAgainstConfig(Config config, RingMember me) {
        String rack = config.get("rack");
        if (!rack.isEmpty() && !rack.equals(me.rack())) {
            throw new IllegalArgumentException("rack '" + rack + "' differs from this node's entry in cluster-nodes ('"
                    + me.rack() + "')");
        }
        int weight = config.getInt("node-weight");
        if (weight != 1 && weight != me.weight()) {
            throw new IllegalArgumentException("node-weight " + weight + " differs from this node's entry in cluster-nodes ("
                    + me.weight() + ")");
        }
        int busPort = config.getInt("cluster-port");
        if (busPort != 0 && busPort != me.busPort()) {
            throw new IllegalArgumentException("cluster-port " + busPort + " differs from this node's bus port in cluster-nodes ("
                    + me.busPort() + ")");
        }
    }

    private static ScheduledExecutorService timer(String name) {
        return java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }


    private static ExecutorService pool(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /** Starts the peer transport (ring only) on the node's event loops, which the caller stops after {@link #close}. */
    public ClusterNode start(io.netty.channel.EventLoopGroup eventLoops) throws InterruptedException {
        if (transport != null) {
            transport.start(eventLoops);
            tasks.start();
            log.info("Node {} joined a ring of {} nodes (N={}, R={}, W={})", topology.nodeName(),
                    topology.ring().members().size(), topology.replicationFactor(),
                    topology.defaultReadQuorum(), topology.defaultWriteQuorum());
        }
        return this;
    }

    /**
     * What compaction may drop on a ring: an entry holding only deletes, the newest written more than
     * max(purge-grace-period, hint-max-age) before anti-entropy last confirmed its slot in step with
     * every other replica. Every replica then holds the delete, or no live version it supersedes,
     * so dropping it can bring nothing back (Cassandra's gc_grace problem); the trees do not count
     * deletes, so dropping one changes none. Expired versions are not dropped on a ring.
     */
    public kvstore.storage.PurgePolicy purgePolicy() {
        return purgePolicy;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public Topology topology() {
        return topology;
    }

    public LocalReplica replica() {
        return replica;
    }

    /** The peer transport, or null on a single node. */
    public PeerTransport transport() {
        return transport;
    }

    /** Where client commands run, or null: on the event loop, inline (single node). */
    public ExecutorService commandExecutor() {
        return commandExecutor;
    }

    public int expireCycle(long budgetNanos) {
        return replica.expireCycle(budgetNanos);
    }

    @Override
    public void close() {
        if (commandExecutor != null) {
            commandExecutor.shutdownNow();
        }
        if (tasks != null) {
            tasks.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (background != null) {
            background.shutdownNow();
        }
    }

    /**
     * A ring node's background work: gossip, hint delivery, and anti-entropy with slot transfers, each
     * on its own timer thread so that none delays another.
     */
    private static final class Background implements AutoCloseable {
        private final Gossiper gossiper;
        private final HintedHandoff handoff;
        private final AntiEntropy antiEntropy;
        private final Transfers transfers;
        private final Duration antiEntropyInterval;
        private final ScheduledExecutorService gossip;
        private final ScheduledExecutorService hints;
        private final ScheduledExecutorService aae;

        Background(Gossiper gossiper, HintedHandoff handoff, AntiEntropy antiEntropy, Transfers transfers,
                   Duration antiEntropyInterval, String node) {
            this.gossiper = gossiper;
            this.handoff = handoff;
            this.antiEntropy = antiEntropy;
            this.transfers = transfers;
            this.antiEntropyInterval = antiEntropyInterval;
            this.gossip = timer("kvstore-gossip-" + node);
            this.hints = timer("kvstore-hints-" + node);
            this.aae = timer("kvstore-aae-" + node);
        }

        void start() {
            gossiper.start(gossip);
            handoff.start(hints, Duration.ofMillis(200));
            antiEntropy.register();
            if (!antiEntropyInterval.isZero()) {
                antiEntropy.start(aae, antiEntropyInterval);
            }
            transfers.start(aae, Duration.ofMillis(200));
        }

        @Override
        public void close() {
            gossip.shutdownNow();
            hints.shutdownNow();
            aae.shutdownNow();
            handoff.close();
        }
    }

    /** A single node: a ring of one, N=R=W=1. */
    private record SingleTopology(Ring ring, String nodeName) implements Topology {
        @Override
        public int defaultReadQuorum() {
            return 1;
        }

        @Override
        public int defaultWriteQuorum() {
            return 1;
        }

        @Override
        public String state(String member) {
            return "myself";
        }
    }
}
