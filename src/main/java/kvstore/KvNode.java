package kvstore;

import kvstore.cluster.SingleNodeCoordinator;
import kvstore.command.CommandContext;
import kvstore.command.CommandDispatcher;
import kvstore.command.Commands;
import kvstore.command.Slowlog;
import kvstore.config.Config;
import kvstore.metrics.ServerStats;
import kvstore.server.KvServer;
import kvstore.storage.Engine;
import kvstore.storage.MemoryEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
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
    private final SingleNodeCoordinator coordinator;
    private final KvServer server;
    private final ScheduledExecutorService background;

    public KvNode(Config config, Runnable onShutdownRequest) throws IOException {
        this.config = config;
        Path dir = Path.of(config.get("dir"));
        Files.createDirectories(dir);
        this.engine = new MemoryEngine();
        this.coordinator = new SingleNodeCoordinator(engine, new SecureRandom().nextLong() & Long.MAX_VALUE,
                config.getInt("databases"));
        coordinator.setActiveExpire(config.getBool("active-expire"));
        config.onChange("active-expire", v -> coordinator.setActiveExpire(v.equals("yes")));
        ServerStats stats = new ServerStats();
        CommandContext ctx = new CommandContext(coordinator, config, stats, new Slowlog());
        CommandDispatcher dispatcher = new CommandDispatcher(Commands.create(ctx), ctx);
        this.server = new KvServer(config, dispatcher, stats, onShutdownRequest);
        ctx.attach(server);
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kvstore-expire");
            t.setDaemon(true);
            return t;
        });
    }

    public KvNode start() throws InterruptedException {
        server.start();
        long periodMs = Math.max(1, 1000 / config.getInt("hz"));
        background.scheduleWithFixedDelay(() -> {
            try {
                coordinator.expireCycle(TimeUnit.MILLISECONDS.toNanos(25));
            } catch (RuntimeException e) {
                log.warn("active expiry cycle failed", e);
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
        return this;
    }

    public int port() {
        return server.tcpPort();
    }

    public Config config() {
        return config;
    }

    @Override
    public void close() {
        background.shutdownNow();
        server.stop();
        coordinator.sync();
        engine.close();
    }
}
