package kvstore.compat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.RedisProtocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real clients against a kvstore process: Jedis (plain, pooled, RESP3), Lettuce with its defaults
 * (HELLO 3 first), redis-cli (scripted and inline) and redis-benchmark. None may see an error, and
 * the server's log must stay free of warnings.
 */
class ClientsIT {
    private static KvstoreProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = KvstoreProcess.start();
    }

    @AfterAll
    static void stop() throws Exception {
        boolean exited = server.terminate();
        String log = server.log();
        server.close();
        assertTrue(exited, "kvstore did not exit within 15 s of SIGTERM");
        assertTrue(log.contains("ready to exit"), "no clean shutdown in the log:\n" + log);
        assertFalse(log.contains("WARN") || log.contains("ERROR"), "server log has warnings:\n" + log);
    }

    @Test
    void jedis() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertEquals("OK", j.set("jedis:k", "v"));
            assertEquals("v", j.get("jedis:k"));
            assertEquals(java.util.Arrays.asList("v", null), j.mget("jedis:k", "jedis:none"));
            assertEquals(1, j.del("jedis:k"));
        }
    }

    @Test
    void jedisPooled() {
        try (JedisPooled j = new JedisPooled("127.0.0.1", server.port())) {
            for (int i = 0; i < 100; i++) {
                j.set("pooled:" + i, Integer.toString(i));
            }
            assertEquals("42", j.get("pooled:42"));
        }
    }

    @Test
    void jedisResp3() {
        DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build();
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", server.port()), cfg)) {
            assertEquals("OK", j.set("resp3:k", "v"));
            assertEquals("v", j.get("resp3:k"));
            assertNull(j.get("resp3:none"));
        }
    }

    @Test
    void lettuceWithDefaults() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> cmd = c.sync();
            assertEquals("OK", cmd.set("lettuce:k", "v"));
            assertEquals("v", cmd.get("lettuce:k"));
            assertNull(cmd.get("lettuce:none"));
            assertEquals(1L, cmd.exists("lettuce:k"));
            assertEquals("PONG", cmd.ping());
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    @Test
    void redisCliScriptedAndInline() throws Exception {
        String port = Integer.toString(server.port());
        assertEquals("OK\n", run("redis-cli", "-p", port, "set", "cli:k", "hello world"));
        assertEquals("hello world\n", run("redis-cli", "-p", port, "get", "cli:k"));
        Process p = new ProcessBuilder("redis-cli", "-p", port).redirectErrorStream(true).start();
        p.getOutputStream().write("SET cli:q \"a b\"\nGET cli:q\nPING\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("OK\na b\nPONG\n", out);
        try (RespConnection c = new RespConnection(server.port())) {
            c.send("SET inline:k v\r\nGET inline:k\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK\\r\\n", c.read().toString());
            assertEquals("$1\\r\\nv\\r\\n", c.read().toString());
        }
    }

    /** redis-benchmark's default test list (no -t), which stops at the first error reply. */
    @Test
    void redisBenchmarkRunsItsDefaultTestsWithoutErrors() throws Exception {
        String port = Integer.toString(server.port());
        List<String> tests = List.of("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP",
                "RPOP", "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "LPUSH (needed to benchmark LRANGE)",
                "LRANGE_100 (first 100 elements)", "LRANGE_300 (first 300 elements)",
                "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)", "MSET (10 keys)");
        for (String pipeline : new String[] {"1", "16"}) {
            String out = run("redis-benchmark", "-p", port, "-n", "5000", "-c", "20", "-P", pipeline,
                    "-r", "1000", "-q", "--csv");
            assertFalse(out.toLowerCase().contains("error"), out);
            for (String t : tests) {
                assertTrue(out.contains("\"" + t + "\""), t + " missing from: " + out);
            }
        }
    }
}
