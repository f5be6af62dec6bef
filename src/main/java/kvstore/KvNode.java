package kvstore;

import kvstore.cluster.ClusterNode;
import kvstore.command.CommandContext;
import kvstore.command.CommandDispatcher;
import kvstore.command.Commands;
import kvstore.command.Slowlog;
import kvstore.config.Config;
import kvstore.metrics.ServerStats;
import kvstore.server.KvServer;
import kvstore.storage.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One kvstore node, wired together: engine, coordinator, command layer, network server, and the
 * background work (active expiry). Start with {@link #start}, stop with {@link #close}.
 */
public final class KvNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KvNode.class);

    private final Config config;
    private final Engine engine;
    private final ClusterNode cluster;
    private final kvstore.keyspace.Keyspace coordinator;
    private final KvServer server;
    /** The I/O event loops, shared by client and peer connections (see {@link KvServer#newEventLoops}). */
    private final io.netty.channel.EventLoopGroup eventLoops;
    private final ScheduledExecutorService background;

    public KvNode(Config config, Runnable onShutdownRequest) throws IOException {
        this.config = config;
        boolean ring = ClusterNode.isRing(config);
        NodeStorage storage = NodeStorage.open(config, ring);
        this.engine = storage.engine();
        // single node or ring member, as cluster-nodes says (see ClusterNode)
        this.cluster = ClusterNode.create(config, engine, storage.actor(), storage.databases());
        if (ring) {
            storage.setRingPurge(cluster.purgePolicy());
        }
        if (storage.keptData()) {
            long start = System.nanoTime();
            cluster.replica().recount();
            log.info("Counted the keys kept from the last run in {} ms", (System.nanoTime() - start) / 1_000_000);
        }
        this.coordinator = cluster.keyspace();
        coordinator.setActiveExpire(config.getBool("active-expire"));
        config.onChange("active-expire", v -> coordinator.setActiveExpire(v.equals("yes")));
        ServerStats stats = new ServerStats();
        CommandContext ctx = new CommandContext(coordinator, config, stats, new Slowlog());
        ctx.attachTopology(cluster.topology());
        RingPubSub.attach(cluster, ctx);
        CommandDispatcher dispatcher = new CommandDispatcher(Commands.create(ctx), ctx);
        this.eventLoops = KvServer.newEventLoops(config.getInt("io-threads"));
        this.server = new KvServer(config, dispatcher, stats, onShutdownRequest, eventLoops);
        ctx.attach(server);
        server.setCommandExecutor(cluster.commandExecutor());
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kvstore-expire");
            t.setDaemon(true);
            return t;
        });
    }

    public KvNode start() throws InterruptedException {
        cluster.start(eventLoops);
        server.start();
        long periodMs = Math.max(1, 1000 / config.getInt("hz"));
        background.scheduleWithFixedDelay(() -> {
            try {
                cluster.expireCycle(TimeUnit.MILLISECONDS.toNanos(25));
            } catch (RuntimeException e) {
                log.warn("active expiry cycle failed", e);
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        return this;
    }

    public int port() {
        return server.tcpPort();
    }

    /** This node's cluster parts (keyspace, ring, transport), for tests and tools. */
    public ClusterNode cluster() {
        return cluster;
    }

    /** The node's storage engine (tests and tools: forcing a compaction, inspecting what is stored). */
    public kvstore.storage.Engine engine() {
        return engine;
    }

    public Config config() {
        return config;
    }

    @Override
    public void close() {
        background.shutdownNow();
        server.stop();
        cluster.close();
        eventLoops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        coordinator.sync();
        engine.close();
    }
}
