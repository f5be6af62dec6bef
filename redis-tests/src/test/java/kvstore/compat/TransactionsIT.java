package kvstore.compat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MULTI/EXEC and WATCH with real clients and more than one connection: what a single-connection
 * differential script cannot show (another client's write failing a WATCH, a blocked client seeing a
 * transaction only once it is over).
 */
class TransactionsIT extends OneServerIT {
    @Test
    void jedisTransactionRunsQueuedCommandsInOrder() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.del("tx:list", "tx:n");
            Transaction t = j.multi();
            Response<Long> pushed = t.rpush("tx:list", "a", "b");
            Response<Long> n = t.incrBy("tx:n", 5);
            Response<List<String>> range = t.lrange("tx:list", 0, -1);
            List<Object> all = t.exec();
            assertEquals(3, all.size());
            assertEquals(2L, pushed.get());
            assertEquals(5L, n.get());
            assertEquals(List.of("a", "b"), range.get());
        }
    }

    @Test
    void anotherClientsWriteFailsTheWatchersExec() {
        try (Jedis a = new Jedis("127.0.0.1", server.port()); Jedis b = new Jedis("127.0.0.1", server.port())) {
            a.set("tx:balance", "10");
            a.watch("tx:balance");
            b.incrBy("tx:balance", 1);
            Transaction t = a.multi();
            t.decrBy("tx:balance", 10);
            assertNull(t.exec(), "EXEC after a watched key changed must fail");
            assertEquals("11", a.get("tx:balance"));

            a.watch("tx:balance");
            b.set("tx:other", "x"); // a key nobody watches
            t = a.multi();
            t.decrBy("tx:balance", 10);
            assertEquals(List.of(1L), t.exec());
        }
    }

    @Test
    void aWriteThatChangesNothingDoesNotFailTheWatcher() {
        try (Jedis a = new Jedis("127.0.0.1", server.port()); Jedis b = new Jedis("127.0.0.1", server.port())) {
            a.set("tx:same", "1");
            a.watch("tx:same");
            b.setnx("tx:same", "2"); // refused: the key exists
            b.del("tx:absent");
            Transaction t = a.multi();
            t.get("tx:same");
            assertEquals(List.of("1"), t.exec());
        }
    }

    @Test
    void aBlockedPopSeesTheTransactionOnlyWhenItIsOver() throws Exception {
        try (Jedis a = new Jedis("127.0.0.1", server.port()); Jedis waiter = new Jedis("127.0.0.1", server.port())) {
            a.del("tx:queue");
            CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> waiter.blpop(0, "tx:queue"));
            LocalRing.await("the BLPOP to block", 10_000, () -> a.info("clients").contains("blocked_clients:1"));
            Transaction t = a.multi();
            t.rpush("tx:queue", "first");
            t.del("tx:queue");
            t.rpush("tx:queue", "second");
            t.exec();
            assertEquals(List.of("tx:queue", "second"), popped.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void lettuceMultiExecAndDiscard() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            r.del("tx:l");
            assertEquals("OK", r.multi());
            r.set("tx:l", "1");
            r.incr("tx:l");
            TransactionResult res = r.exec();
            assertFalse(res.wasDiscarded());
            assertEquals("OK", res.get(0));
            assertEquals(2L, (Long) res.get(1));

            r.multi();
            r.set("tx:l", "9");
            assertEquals("OK", r.discard());
            assertEquals("2", r.get("tx:l"));

            r.watch("tx:l");
            r.set("tx:l", "3"); // our own write touches the watched key too
            r.multi();
            r.incr("tx:l");
            assertTrue(r.exec().wasDiscarded());
        } finally {
            client.shutdown();
        }
    }
}
