package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SWAPDB on a kvstore process: what the differential script cannot show, since it needs a second
 * connection, a restart or several event loops.
 */
class SwapdbIT {
    /** A client blocked on a key of one database is served when SWAPDB brings the key into it. */
    @Test
    void wakesBlockedClient() throws Exception {
        try (KvstoreProcess server = KvstoreProcess.start();
             RespConnection c = new RespConnection(server.port());
             RespConnection blocked = new RespConnection(server.port())) {
            c.call("SELECT", "1");
            c.call("RPUSH", "k", "hello");
            blocked.call("SELECT", "9");
            blocked.send(RespConnection.encode(List.of("BRPOP".getBytes(), "k".getBytes(), "5".getBytes())));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!c.call("INFO", "clients").text().contains("blocked_clients:1") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals("+OK\\r\\n", c.call("SWAPDB", "1", "9").toString());
            assertEquals("*2\\r\\n$1\\r\\nk\\r\\n$5\\r\\nhello\\r\\n", blocked.read().toString());
        }
    }

    /** An acknowledged SWAPDB survives SIGKILL, and so do the writes made on either side of it. */
    @Test
    void survivesKill() throws Exception {
        Path dir = Files.createTempDirectory("kvstore-swapdb");
        int port = RedisServerProcess.freePort();
        try (KvstoreProcess server = KvstoreProcess.start(dir, port, "--appendfsync", "always");
             RespConnection c = new RespConnection(port)) {
            c.call("SET", "where", "db0");
            c.call("SELECT", "1");
            c.call("SET", "where", "db1");
            assertEquals("+OK\\r\\n", c.call("SWAPDB", "0", "1").toString());
            c.call("SET", "after", "swap");
            server.kill();
        }
        try (KvstoreProcess server = KvstoreProcess.start(dir, port);
             RespConnection c = new RespConnection(port)) {
            assertEquals("$3\\r\\ndb1\\r\\n", c.call("GET", "where").toString());
            c.call("SELECT", "1");
            assertEquals("$3\\r\\ndb0\\r\\n", c.call("GET", "where").toString());
            assertEquals("$4\\r\\nswap\\r\\n", c.call("GET", "after").toString());
            assertTrue(c.call("INFO", "keyspace").text().contains("db0:keys=1,"), "INFO keyspace counts by index");
        }
    }

    /**
     * With two event loops, clients INCR a counter in database 0 and one in database 1 while another
     * swaps the two over and over (500 times at least): no increment may be lost, as it would be if an
     * INCR read its counter from one database and wrote it to the other.
     */
    @Test
    void concurrentWritesStayInOneDatabase() throws Exception {
        try (KvstoreProcess server = KvstoreProcess.start("--io-threads", "2")) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acknowledged = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int db = 0; db < 2; db++) {
                String index = Integer.toString(db);
                Thread t = new Thread(() -> {
                    try (RespConnection c = new RespConnection(server.port())) {
                        c.call("SELECT", index);
                        while (!stop.get()) {
                            assertTrue(c.call("INCR", "counter").toString().startsWith(":"));
                            acknowledged.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                });
                t.start();
                writers.add(t);
            }
            try (RespConnection swapper = new RespConnection(server.port())) {
                // at least 500 swaps, and on until the writers made 2,000 increments (a bounded wait)
                long deadline = System.nanoTime() + 30_000_000_000L;
                for (int i = 0; (i < 500 || acknowledged.get() < 2000) && System.nanoTime() < deadline; i++) {
                    assertEquals("+OK\\r\\n", swapper.call("SWAPDB", "0", "1").toString());
                }
                stop.set(true);
                for (Thread t : writers) {
                    t.join();
                }
                assertTrue(failures.isEmpty(), () -> "a writer failed: " + failures);
                long total = 0;
                for (String db : new String[] {"0", "1"}) {
                    swapper.call("SELECT", db);
                    String reply = swapper.call("GET", "counter").text();
                    total += Long.parseLong(reply);
                }
                assertTrue(acknowledged.get() >= 2000, "the writers made too little progress: " + acknowledged.get());
                assertEquals(acknowledged.get(), total, "increments lost or doubled across the swaps");
            }
        }
    }
}
