package kvstore.compat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sets driven by Jedis (RESP2) and Lettuce (RESP3 after its HELLO 3) against kvstore. */
class SetsClientIT extends OneServerIT {
    @Test
    void jedisSets() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.flushAll();
            assertEquals(3, j.sadd("j:a", "1", "2", "3"));
            assertEquals(0, j.sadd("j:a", "1"));
            assertEquals("intset", j.objectEncoding("j:a"));
            assertEquals(2, j.sadd("j:b", "3", "x"));
            assertEquals("hashtable", j.objectEncoding("j:b"));
            assertEquals(Set.of("1", "2", "3"), j.smembers("j:a"));
            assertTrue(j.sismember("j:a", "2"));
            assertEquals(List.of(true, false), j.smismember("j:a", "3", "4"));
            assertEquals(3, j.scard("j:a"));
            assertEquals(Set.of("3"), j.sinter("j:a", "j:b"));
            assertEquals(1, j.sintercard("j:a", "j:b"));
            assertEquals(Set.of("1", "2", "3", "x"), j.sunion("j:a", "j:b"));
            assertEquals(Set.of("1", "2"), j.sdiff("j:a", "j:b"));
            assertEquals(4, j.sunionstore("j:u", "j:a", "j:b"));
            assertEquals(1, j.sinterstore("j:i", "j:a", "j:b"));
            assertEquals(2, j.sdiffstore("j:d", "j:a", "j:b"));
            assertEquals(1, j.smove("j:a", "j:b", "1"));
            assertEquals(Set.of("1", "3", "x"), j.smembers("j:b"));
            String r = j.srandmember("j:a");
            assertTrue(Set.of("2", "3").contains(r));
            assertEquals(2, j.srandmember("j:a", 5).size());
            assertEquals(7, j.srandmember("j:a", -7).size());
            String popped = j.spop("j:a");
            assertTrue(Set.of("2", "3").contains(popped));
            assertEquals(1, j.spop("j:a", 5).size());
            assertFalse(j.exists("j:a"));
            assertNull(j.spop("j:a"));
            assertEquals(2, j.srem("j:b", "1", "3", "nope"));
            assertEquals(1, j.srem("j:b", "x"));
            assertFalse(j.exists("j:b"));
        }
    }

    @Test
    void jedisScanVisitsEveryMember() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            Set<String> all = new HashSet<>();
            for (int i = 0; i < 3000; i++) {
                all.add("member:" + i);
            }
            j.sadd("j:big", all.toArray(new String[0]));
            assertEquals(3000, j.scard("j:big"));
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int calls = 0;
            do {
                ScanResult<String> page = j.sscan("j:big", cursor, new ScanParams().count(50));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
                calls++;
            } while (!cursor.equals("0") && calls < 10_000);
            assertEquals(all, seen);
            assertTrue(calls > 10, "a 3000-member hashtable set is scanned in pages, got " + calls);
            // random members of a large set come from the set and are not all the same
            Set<String> picks = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                String m = j.srandmember("j:big");
                assertTrue(all.contains(m), m);
                picks.add(m);
            }
            assertTrue(picks.size() > 50, "too few distinct random members: " + picks.size());
            List<String> distinct = j.srandmember("j:big", 100);
            assertEquals(100, new HashSet<>(distinct).size());
            Set<String> popped = j.spop("j:big", 2500);
            assertEquals(2500, popped.size());
            assertEquals(500, j.scard("j:big"));
            for (String m : j.smembers("j:big")) {
                assertFalse(popped.contains(m));
            }
        }
    }

    @Test
    void lettuceSets() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> c = conn.sync();
            assertEquals(3L, c.sadd("l:a", "a", "b", "c"));
            assertEquals(Set.of("a", "b", "c"), c.smembers("l:a"));
            assertEquals(2L, c.sadd("l:b", "c", ""));
            assertTrue(c.sismember("l:b", ""));
            assertEquals(Set.of("c"), c.sinter("l:a", "l:b"));
            assertEquals(1L, c.sintercard(1, "l:b", "l:a"));
            assertEquals(Set.of("a", "b", "c", ""), c.sunion("l:a", "l:b"));
            assertEquals(Set.of("a", "b"), c.sdiff("l:a", "l:b"));
            assertEquals(List.of(true, false), c.smismember("l:a", "a", "z"));
            assertTrue(c.smove("l:a", "l:c", "a"));
            assertEquals(Set.of("a"), c.smembers("l:c"));
            assertEquals(2, c.srandmember("l:a", 2).size());
            assertEquals(Set.of("b", "c"), c.spop("l:a", 10));
            assertEquals(0L, c.exists("l:a"));
            ValueScanCursor<String> page = c.sscan("l:b", ScanArgs.Builder.matches("c"));
            assertEquals(List.of("c"), page.getValues());
            assertTrue(page.isFinished());
            assertEquals(Set.of(), c.smembers("l:none"));
            assertNull(c.spop("l:none"));
        } finally {
            client.shutdown();
        }
    }
}
