package kvstore.compat;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Jedis 5, a real client, against a real kvstore server over loopback. */
class JedisIT extends OneServerIT {
    @Test
    void setGetDel() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertEquals("PONG", j.ping());
            assertEquals("OK", j.set("k", "v"));
            assertEquals("v", j.get("k"));
            assertNull(j.set("k", "w", SetParams.setParams().nx()));
            assertEquals(1L, j.del("k"));
            assertNull(j.get("k"));
        }
    }
}
