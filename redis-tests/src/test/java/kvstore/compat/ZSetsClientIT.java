package kvstore.compat;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Sorted sets through real clients: Jedis over RESP2 and RESP3, Lettuce with its defaults (RESP3). */
class ZSetsClientIT extends OneServerIT {
    @Test
    void jedisResp2() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            exerciseJedis(j, "j2:");
        }
    }

    @Test
    void jedisResp3() {
        DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).build();
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", server.port()), cfg)) {
            exerciseJedis(j, "j3:");
        }
    }

    private static void exerciseJedis(Jedis j, String p) {
        String k = p + "z";
        assertEquals(3L, j.zadd(k, Map.of("a", 1.0, "b", 2.5, "c", Double.POSITIVE_INFINITY)));
        assertEquals(0L, j.zadd(k, 5.0, "a", ZAddParams.zAddParams().nx()));
        assertEquals(2.5, j.zscore(k, "b"));
        assertNull(j.zscore(k, "none"));
        assertEquals(3L, j.zcard(k));
        assertEquals(4.0, j.zincrby(k, 1.5, "b"));
        assertEquals(List.of("a", "b", "c"), j.zrange(k, 0, -1));
        List<Tuple> ws = j.zrangeWithScores(k, 0, -1);
        assertEquals(new Tuple("a", 1.0), ws.get(0));
        assertEquals(Double.POSITIVE_INFINITY, ws.get(2).getScore());
        assertEquals(List.of("c", "b"), j.zrevrange(k, 0, 1));
        assertEquals(List.of("a", "b"), j.zrangeByScore(k, "-inf", "(5"));
        assertEquals(2L, j.zcount(k, "1", "4"));
        assertEquals(1L, j.zrank(k, "b"));
        assertEquals(0L, j.zrevrank(k, "c"));
        assertEquals(java.util.Arrays.asList(1.0, null), j.zmscore(k, "a", "none"));

        String o = p + "o";
        j.zadd(o, Map.of("b", 10.0, "d", 20.0));
        assertEquals(List.of("a", "b", "d", "c"), j.zunion(new ZParams(), k, o));
        assertEquals(List.of("b"), j.zinter(new ZParams(), k, o));
        assertEquals(List.of("a", "c"), j.zdiff(k, o));
        assertEquals(1L, j.zintercard(k, o));
        assertEquals(4L, j.zunionstore(p + "u", new ZParams().weights(2, 1).aggregate(ZParams.Aggregate.MAX), k, o));
        assertEquals(List.of(new Tuple("a", 2.0), new Tuple("b", 10.0), new Tuple("d", 20.0),
                new Tuple("c", Double.POSITIVE_INFINITY)), j.zrangeWithScores(p + "u", 0, -1));

        Set<String> scanned = new HashSet<>();
        ScanResult<Tuple> page = j.zscan(k, "0");
        page.getResult().forEach(t -> scanned.add(t.getElement()));
        assertEquals(Set.of("a", "b", "c"), scanned);
        assertEquals("0", page.getCursor());

        // a big set is scanned in pages; every member comes back once with its score
        String big = p + "big";
        Map<String, Double> many = new java.util.HashMap<>();
        for (int i = 0; i < 300; i++) {
            many.put("m" + i, i * 1.5);
        }
        assertEquals(300L, j.zadd(big, many));
        Map<String, Double> seen = new java.util.HashMap<>();
        String cursor = "0";
        do {
            ScanResult<Tuple> r = j.zscan(big, cursor, new redis.clients.jedis.params.ScanParams().count(7));
            r.getResult().forEach(t -> seen.put(t.getElement(), t.getScore()));
            cursor = r.getCursor();
        } while (!cursor.equals("0"));
        assertEquals(many, seen);

        String member = j.zrandmember(k);
        assertFalse(member == null || member.isEmpty());
        assertEquals(new Tuple("a", 1.0), j.zpopmin(k));
        assertEquals(List.of(new Tuple("c", Double.POSITIVE_INFINITY), new Tuple("b", 4.0)), j.zpopmax(k, 5));
        assertEquals(0L, j.exists(k) ? 1L : 0L);
    }

    @Test
    void lettuceWithDefaults() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> cmd = c.sync();
            String k = "lt:z";
            assertEquals(3L, cmd.zadd(k, 1.0, "a", 2.0, "b", 3.5, "c"));
            assertEquals(3.5, cmd.zscore(k, "c"));
            assertEquals(List.of(1.0, 2.0), cmd.zmscore(k, "a", "b"));
            assertEquals(4.5, cmd.zincrby(k, 1.0, "c"));
            List<ScoredValue<String>> ws = cmd.zrangeWithScores(k, 0, -1);
            assertEquals(3, ws.size());
            assertEquals("a", ws.get(0).getValue());
            assertEquals(4.5, ws.get(2).getScore());
            assertEquals(List.of("b", "c"), cmd.zrangebyscore(k, Range.create(1.5, 10)));
            assertEquals(List.of("c", "b"), cmd.zrevrangebyscore(k, Range.create(1.5, 10)));
            assertEquals(ScoredValue.just(1.0, "a"), cmd.zpopmin(k));
            assertEquals(List.of(ScoredValue.just(4.5, "c")), cmd.zpopmax(k, 1));
            assertEquals(1L, cmd.zrem(k, "b"));
            assertEquals(0L, cmd.exists(k));
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
