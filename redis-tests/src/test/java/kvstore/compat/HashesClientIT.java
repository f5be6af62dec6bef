package kvstore.compat;

import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hashes driven by Jedis (RESP2 and RESP3) and Lettuce (RESP3 after its HELLO 3) against kvstore. */
class HashesClientIT extends OneServerIT {
    private static void exercise(Jedis j, String p) {
        assertEquals(2, j.hset(p + "h", Map.of("a", "1", "b", "2")));
        assertEquals(0, j.hset(p + "h", "a", "10"));
        assertEquals("10", j.hget(p + "h", "a"));
        assertNull(j.hget(p + "h", "zz"));
        assertEquals(Map.of("a", "10", "b", "2"), j.hgetAll(p + "h"));
        assertEquals(Set.of("a", "b"), j.hkeys(p + "h"));
        assertEquals(Set.of("10", "2"), Set.copyOf(j.hvals(p + "h")));
        assertEquals(java.util.Arrays.asList("10", null), j.hmget(p + "h", "a", "zz"));
        assertEquals(15, j.hincrBy(p + "h", "a", 5));
        assertEquals(2.5, j.hincrByFloat(p + "h", "f", 2.5));
        assertEquals(1, j.hsetnx(p + "h", "n", "x"));
        assertEquals(0, j.hsetnx(p + "h", "n", "y"));
        assertEquals(4, j.hlen(p + "h"));
        assertEquals(2, j.hstrlen(p + "h", "a"));
        assertTrue(j.hexists(p + "h", "n"));
        assertTrue(Set.of("a", "b", "f", "n").contains(j.hrandfield(p + "h")));
        assertEquals(4, j.hrandfieldWithValues(p + "h", 10).size());
        assertEquals(4, j.hdel(p + "h", "a", "b", "f", "n", "none"));
        assertFalse(j.exists(p + "h"));
        Map<String, String> big = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            big.put("f" + i, "v" + i);
        }
        j.hset(p + "big", big);
        Map<String, String> seen = new HashMap<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Map.Entry<String, String>> page = j.hscan(p + "big", cursor, new ScanParams().count(100));
            page.getResult().forEach(e -> seen.put(e.getKey(), e.getValue()));
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertEquals(big, seen);
    }

    @Test
    void jedisResp2AndResp3() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            exercise(j, "j2:");
        }
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", server.port()),
                DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build())) {
            exercise(j, "j3:");
        }
    }

    @Test
    void lettuceHashes() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> c = conn.sync();
            assertEquals(3L, c.hset("l:h", Map.of("a", "1", "b", "2", "", "empty")));
            assertEquals("empty", c.hget("l:h", ""));
            assertEquals(Map.of("a", "1", "b", "2", "", "empty"), c.hgetall("l:h"));
            assertEquals(List.of("1"), c.hmget("l:h", "a").stream().map(kv -> kv.getValue()).toList());
            assertEquals(3L, c.hincrby("l:h", "a", 2));
            assertEquals(3L, c.hlen("l:h"));
            MapScanCursor<String, String> page = c.hscan("l:h", ScanCursor.INITIAL, ScanArgs.Builder.matches("b"));
            assertEquals(Map.of("b", "2"), page.getMap());
            assertTrue(page.isFinished());
            assertEquals(3L, c.hdel("l:h", "a", "b", ""));
            assertEquals(0L, c.exists("l:h"));
            assertEquals(Map.of(), c.hgetall("l:none"));
        } finally {
            client.shutdown();
        }
    }
}
