package kvstore;

import kvstore.config.Config;
import kvstore.config.ConfigLoader;

/**
 * Starts a kvstore node: {@code kvstore [config-file] [--name value ...]}, as redis-server takes its
 * arguments.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Config config;
        try {
            config = ConfigLoader.load(args);
        } catch (ConfigLoader.LoadError e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Logging.configure(config);
        KvNode[] node = new KvNode[1];
        Runnable shutdown = () -> {
            org.slf4j.LoggerFactory.getLogger(Main.class).info("User requested shutdown...");
            System.exit(0);
        };
        node[0] = new KvNode(config, shutdown);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node[0].close();
            org.slf4j.LoggerFactory.getLogger(Main.class).info("kvstore is now ready to exit, bye bye...");
        }, "kvstore-exit"));
        try {
            node[0].start();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
