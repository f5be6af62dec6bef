package kvstore.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The string and keyspace differential scripts against one node of a 3-node ring (N=3, R=2, W=2),
 * compared with redis-server byte for byte, as against a single node. Every node holds every key
 * with N=3 on 3 nodes, so the node-local keyspace views (DBSIZE, KEYS, SCAN) are complete. The SWAPDB
 * script is left out: a ring refuses SWAPDB, as Redis Cluster does ({@link #swapdbIsRefused}).
 */
class RingDifferentialIT {
    private static final Set<String> SINGLE_NODE_ONLY = Set.of("keyspace-swapdb.redis");
    private static RedisServerProcess redis;
    private static LocalRing ring;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        ring = LocalRing.start(new String[] {"", "", ""}, "--replication-factor", "3", "--read-quorum", "2",
                "--write-quorum", "2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (ring != null) {
            ring.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void swapdbIsRefused() throws IOException {
        try (RespConnection c = new RespConnection(ring.port("n2"))) {
            assertEquals("-ERR SWAPDB is not allowed in cluster mode\\r\\n", c.call("SWAPDB", "0", "1").toString());
        }
    }

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        // -Dring.diff.only=prefix,... picks other scripts (default: every script)
        List<String> prefixes = List.of(System.getProperty("ring.diff.only", "").split(","));
        List<Path> files;
        try (Stream<Path> s = Files.list(DifferentialIT.scriptsDir())) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".redis") && !SINGLE_NODE_ONLY.contains(n) && prefixes.stream().anyMatch(n::startsWith);
            }).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            List<String> divergences = new DifferentialScript(f).run(redis.port(), ring.port("n2"));
            if (!divergences.isEmpty()) {
                fail(divergences.size() + " replies differ from redis-server:\n" + String.join("\n", divergences));
            }
        }));
    }
}
