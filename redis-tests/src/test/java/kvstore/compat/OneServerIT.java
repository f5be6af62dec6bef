package kvstore.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests that share one in-process kvstore server (default settings) for all their methods. */
abstract class OneServerIT {
    protected static KvstoreServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = KvstoreServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
