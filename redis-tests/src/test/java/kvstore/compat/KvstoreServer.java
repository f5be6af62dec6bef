package kvstore.compat;

import kvstore.KvNode;
import kvstore.config.Config;
import kvstore.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A kvstore node in the test JVM, listening on a free loopback port, with its own data directory. */
public final class KvstoreServer implements AutoCloseable {
    private final KvNode node;

    private KvstoreServer(KvNode node) {
        this.node = node;
    }

    /** Starts a node; {@code overrides} are command-line style ("--requirepass", "secret"). */
    public static KvstoreServer start(String... overrides) throws Exception {
        Path dir = Files.createTempDirectory("kvstore-test");
        List<String> args = new ArrayList<>(List.of("--port", "0", "--dir", dir.toString(), "--loglevel", "warning"));
        args.addAll(List.of(overrides));
        Config config = ConfigLoader.load(args.toArray(new String[0]));
        KvNode node = new KvNode(config, () -> { });
        node.start();
        return new KvstoreServer(node);
    }

    public int port() {
        return node.port();
    }

    @Override
    public void close() {
        node.close();
    }
}
