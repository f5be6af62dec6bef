package kvstore.compat;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LMPopArgs;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.params.LPosParams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lists across connections: blocked clients woken by another connection's push, in the order they
 * blocked, right after the pushing command; timeouts; disconnects while blocked; and the list
 * commands through Jedis and Lettuce.
 */
class ListsClientIT extends OneServerIT {
    @BeforeEach
    void flush() throws IOException {
        try (RespConnection c = conn()) {
            c.call("FLUSHALL");
        }
    }

    private static RespConnection conn() throws IOException {
        return new RespConnection(server.port());
    }

    private static void send(RespConnection c, String... args) throws IOException {
        c.send(RespConnection.encode(java.util.Arrays.stream(args)
                .map(a -> a.getBytes(StandardCharsets.ISO_8859_1)).toList()));
    }

    /** Waits until INFO clients reports {@code n} blocked clients. */
    private static void awaitBlocked(RespConnection c, int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (c.call("INFO", "clients").text().contains("blocked_clients:" + n + "\r\n")) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("never saw blocked_clients:" + n);
    }

    private static String raw(RespValue v) {
        return new String(v.raw(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void clientUnblockAnswersTheBlockedCommandAsATimeoutOrAnError() throws Exception {
        try (RespConnection blocked = conn(); RespConnection other = conn()) {
            String id = raw(blocked.call("CLIENT", "ID")).substring(1).trim();
            assertEquals(":0\r\n", raw(other.call("CLIENT", "UNBLOCK", id)), "not blocked yet");
            send(blocked, "BLPOP", "q", "0");
            awaitBlocked(other, 1);
            assertEquals(":1\r\n", raw(other.call("CLIENT", "UNBLOCK", id)));
            assertEquals("*-1\r\n", raw(blocked.read()));
            send(blocked, "BRPOP", "q", "0");
            awaitBlocked(other, 1);
            assertEquals(":1\r\n", raw(other.call("CLIENT", "UNBLOCK", id, "ERROR")));
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", raw(blocked.read()));
            awaitBlocked(other, 0);
            assertEquals("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
                    raw(other.call("CLIENT", "UNBLOCK", id, "LATER")));
            assertEquals("$4\r\npong\r\n", raw(blocked.call("PING", "pong")), "the unblocked client goes on");
        }
    }

    @Test
    void pushFromAnotherConnectionWakesTheBlockedClientAndItsPipelineContinues() throws Exception {
        try (RespConnection blocked = conn(); RespConnection pusher = conn()) {
            send(blocked, "BLPOP", "q", "0");
            send(blocked, "PING", "after");
            awaitBlocked(pusher, 1);
            Thread.sleep(50);
            assertEquals(0, blocked.input().available(), "nothing is answered while blocked");
            assertEquals(":1\r\n", raw(pusher.call("RPUSH", "q", "x")));
            assertEquals("*2\r\n$1\r\nq\r\n$1\r\nx\r\n", raw(blocked.read()));
            assertEquals("$5\r\nafter\r\n", raw(blocked.read()));
            awaitBlocked(pusher, 0);
        }
    }

    @Test
    void blockedClientsAreServedFirstComeFirstServed() throws Exception {
        try (RespConnection a = conn(); RespConnection b = conn(); RespConnection pusher = conn()) {
            send(a, "BRPOP", "q", "other", "0");
            awaitBlocked(pusher, 1);
            send(b, "BLPOP", "other", "q", "0");
            awaitBlocked(pusher, 2);
            assertEquals(":1\r\n", raw(pusher.call("LPUSH", "q", "first")));
            assertEquals("*2\r\n$1\r\nq\r\n$5\r\nfirst\r\n", raw(a.read()));
            awaitBlocked(pusher, 1);
            assertEquals(":2\r\n", raw(pusher.call("RPUSH", "q", "second", "third")));
            assertEquals("*2\r\n$1\r\nq\r\n$6\r\nsecond\r\n", raw(b.read()));
            assertEquals("*1\r\n$5\r\nthird\r\n", raw(pusher.call("LRANGE", "q", "0", "-1")));
        }
    }

    @Test
    void theBlockedClientIsServedBeforeThePushersNextCommand() throws Exception {
        try (RespConnection blocked = conn(); RespConnection pusher = conn()) {
            send(blocked, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
            awaitBlocked(pusher, 1);
            send(pusher, "RPUSH", "src", "v");
            send(pusher, "LLEN", "src");
            send(pusher, "LRANGE", "dst", "0", "-1");
            assertEquals(":1\r\n", raw(pusher.read()));
            assertEquals(":0\r\n", raw(pusher.read()));
            assertEquals("*1\r\n$1\r\nv\r\n", raw(pusher.read()));
            assertEquals("$1\r\nv\r\n", raw(blocked.read()));
        }
    }

    @Test
    void aServedMoveWakesClientsBlockedOnItsDestination() throws Exception {
        try (RespConnection mover = conn(); RespConnection popper = conn(); RespConnection pusher = conn()) {
            send(popper, "BLPOP", "dst", "0");
            awaitBlocked(pusher, 1);
            send(mover, "BRPOPLPUSH", "src", "dst", "0");
            awaitBlocked(pusher, 2);
            pusher.call("RPUSH", "src", "hop");
            assertEquals("$3\r\nhop\r\n", raw(mover.read()));
            assertEquals("*2\r\n$3\r\ndst\r\n$3\r\nhop\r\n", raw(popper.read()));
            assertEquals(":0\r\n", raw(pusher.call("EXISTS", "src", "dst")));
        }
    }

    @Test
    void sortedSetPopsBlockAndWakeToo() throws Exception {
        try (RespConnection blocked = conn(); RespConnection pusher = conn()) {
            send(blocked, "BZPOPMIN", "z", "0");
            awaitBlocked(pusher, 1);
            assertEquals(":2\r\n", raw(pusher.call("ZADD", "z", "2", "b", "1", "a")));
            assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", raw(blocked.read()));
            assertEquals(":1\r\n", raw(pusher.call("ZCARD", "z")));
        }
    }

    @Test
    void timeoutRepliesNullInBothProtocols() throws Exception {
        try (RespConnection c = conn()) {
            long start = System.nanoTime();
            assertEquals("*-1\r\n", raw(c.call("BLPOP", "q", "0.2")));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 190 && ms < 5000, "timed out after " + ms + " ms");
            assertEquals("*-1\r\n", raw(c.call("BLMPOP", "0.05", "1", "q", "LEFT")));
            c.call("HELLO", "3");
            assertEquals("_\r\n", raw(c.call("BRPOPLPUSH", "q", "d", "0.05")));
            assertEquals("_\r\n", raw(c.call("BLMOVE", "q", "d", "LEFT", "LEFT", "0.05")));
            assertEquals("+PONG\r\n", raw(c.call("PING")));
            assertEquals(":0\r\n", raw(c.call("EXISTS", "q")));
        }
    }

    @Test
    void aClientThatDisconnectsWhileBlockedIsForgotten() throws Exception {
        try (RespConnection other = conn()) {
            RespConnection gone = conn();
            send(gone, "BLPOP", "q", "0");
            awaitBlocked(other, 1);
            gone.close();
            awaitBlocked(other, 0);
            other.call("RPUSH", "q", "kept");
            assertEquals("*1\r\n$4\r\nkept\r\n", raw(other.call("LRANGE", "q", "0", "-1")));
        }
    }

    @Test
    void jedis() throws Exception {
        try (Jedis j = new Jedis("127.0.0.1", server.port()); Jedis j2 = new Jedis("127.0.0.1", server.port())) {
            assertEquals(3, j.rpush("jl", "a", "b", "c"));
            assertEquals(4, j.lpush("jl", "z"));
            assertEquals(List.of("z", "a", "b", "c"), j.lrange("jl", 0, -1));
            assertEquals("b", j.lindex("jl", -2));
            assertEquals(5, j.linsert("jl", ListPosition.AFTER, "a", "a2"));
            assertEquals(Long.valueOf(2), j.lpos("jl", "a2"));
            assertEquals(List.of(1L), j.lpos("jl", "a", LPosParams.lPosParams().rank(1), 0));
            assertEquals("OK", j.lset("jl", 0, "y"));
            assertEquals(1, j.lrem("jl", 0, "y"));
            assertEquals("c", j.lmove("jl", "jl2", ListDirection.RIGHT, ListDirection.LEFT));
            assertEquals(List.of("a", "a2"), j.lpop("jl", 2));
            assertEquals("OK", j.ltrim("jl", 0, 0));
            assertEquals(List.of("b"), j.lrange("jl", 0, -1));
            assertNull(j.lpop("missing"));
            assertNull(j.blpop(0.05, "missing"));
            CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> j2.blpop(0, "jq"));
            awaitBlocked(1);
            j.rpush("jq", "woke");
            assertEquals(List.of("jq", "woke"), waiting.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void lettuce() throws Exception {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> c = client.connect();
             StatefulRedisConnection<String, String> c2 = client.connect()) {
            RedisCommands<String, String> cmd = c.sync();
            assertEquals(3L, cmd.rpush("ll", "a", "b", "c"));
            assertEquals(List.of("a", "b", "c"), cmd.lrange("ll", 0, -1));
            assertEquals(3L, cmd.llen("ll"));
            assertEquals("a", cmd.lmove("ll", "ll2", LMoveArgs.Builder.leftRight()));
            assertEquals(KeyValue.just("ll", List.of("c", "b")), cmd.lmpop(LMPopArgs.Builder.right().count(5), "ll"));
            assertEquals(0L, cmd.exists("ll"));
            assertEquals(0L, cmd.rpushx("ll", "x"));
            assertNull(cmd.lpop("ll"));
            assertNull(cmd.blpop(0.05, "ll"));
            var waiting = c2.async().brpop(0, "lq");
            awaitBlocked(1);
            cmd.lpush("lq", "woke");
            assertEquals(KeyValue.just("lq", "woke"), waiting.get(10, TimeUnit.SECONDS));
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    private static void awaitBlocked(int n) throws Exception {
        try (RespConnection c = conn()) {
            awaitBlocked(c, n);
        }
    }
}
