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
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default samples one buffer in 128 with a stack trace: about 1.5% of a ring node's
            // CPU in profiles. Tests, which build servers without Main, keep it; -D turns it back on.
            // A property, read when Netty starts: loading its classes now would precede our logging setup.
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
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
