package kvstore.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The differential suite: every script in redis-tests/scripts runs against a real redis-server and
 * against kvstore, and every reply must match byte for byte (or as the script's directive says).
 *
 * <p>-Ddiff.only=strings,keyspace runs only scripts whose names start with those prefixes.
 * -Dkvstore.port=N runs against an already running kvstore (a cluster, say) instead of one started here.
 */
class DifferentialIT {
    private static RedisServerProcess redis;
    private static KvstoreServer kvstore;
    private static int kvstorePort;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        String external = System.getProperty("kvstore.port");
        if (external != null && !external.isBlank()) {
            kvstorePort = Integer.parseInt(external);
        } else {
            kvstore = KvstoreServer.start();
            kvstorePort = kvstore.port();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (kvstore != null) {
            kvstore.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    static Path scriptsDir() {
        String base = System.getProperty("basedir", ".");
        return Path.of(base, "redis-tests", "scripts");
    }

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        String only = System.getProperty("diff.only", "");
        List<String> prefixes = only.isBlank() ? List.of() : Arrays.asList(only.split(","));
        List<Path> files;
        try (Stream<Path> s = Files.list(scriptsDir())) {
            files = s.filter(p -> p.toString().endsWith(".redis"))
                    .filter(p -> prefixes.isEmpty() || prefixes.stream().anyMatch(x -> p.getFileName().toString().startsWith(x)))
                    .sorted().toList();
        }
        assertFalse(files.isEmpty(), "no differential scripts found in " + scriptsDir());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            List<String> divergences = new DifferentialScript(f).run(redis.port(), kvstorePort);
            if (!divergences.isEmpty()) {
                fail(divergences.size() + " replies differ from redis-server:\n" + String.join("\n", divergences));
            }
        }));
    }
}
