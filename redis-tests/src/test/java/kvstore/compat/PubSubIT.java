package kvstore.compat;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pub/Sub between connections: delivery to channel and pattern subscribers, counts, RESP3 pushes, clean-up on close. */
class PubSubIT extends OneServerIT {
    private static RespConnection conn() throws IOException {
        return new RespConnection(server.port());
    }

    private static String raw(RespValue v) {
        return new String(v.raw(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void publishReachesChannelAndPatternSubscribersOncePerSubscription() throws Exception {
        try (RespConnection sub = conn(); RespConnection psub = conn(); RespConnection pub = conn()) {
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$5\r\nnews1\r\n:1\r\n", raw(sub.call("SUBSCRIBE", "news1")));
            assertEquals("*3\r\n$10\r\npsubscribe\r\n$5\r\nnews*\r\n:1\r\n", raw(psub.call("PSUBSCRIBE", "news*")));
            assertEquals(":2\r\n", raw(pub.call("PUBLISH", "news1", "hello")));
            assertEquals("*3\r\n$7\r\nmessage\r\n$5\r\nnews1\r\n$5\r\nhello\r\n", raw(sub.read()));
            assertEquals("*4\r\n$8\r\npmessage\r\n$5\r\nnews*\r\n$5\r\nnews1\r\n$5\r\nhello\r\n", raw(psub.read()));
            assertEquals(":1\r\n", raw(pub.call("PUBLISH", "news2", "x")), "only the pattern matches");
            assertEquals("*4\r\n$8\r\npmessage\r\n$5\r\nnews*\r\n$5\r\nnews2\r\n$1\r\nx\r\n", raw(psub.read()));
            assertEquals(":0\r\n", raw(pub.call("SPUBLISH", "news1", "x")), "shard channels are another namespace");
            assertEquals("*2\r\n$5\r\nnews1\r\n:1\r\n", raw(pub.call("PUBSUB", "NUMSUB", "news1")));
        }
        try (RespConnection pub = conn()) {
            LocalRing.await("closed subscribers to leave", 10_000, () -> {
                try {
                    return raw(pub.call("PUBSUB", "NUMSUB", "news1")).equals("*2\r\n$5\r\nnews1\r\n:0\r\n")
                            && raw(pub.call("PUBSUB", "NUMPAT")).equals(":0\r\n");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }
    }

    @Test
    void aResp3ClientPublishingToItselfGetsThePushBeforeTheReply() throws Exception {
        try (RespConnection c = conn()) {
            c.call("HELLO", "3");
            assertEquals(">3\r\n$9\r\nsubscribe\r\n$4\r\nself\r\n:1\r\n", raw(c.call("SUBSCRIBE", "self")));
            assertEquals("$1\r\nv\r\n", raw(c.call("ECHO", "v")), "RESP3 takes any command while subscribed");
            assertEquals(">3\r\n$7\r\nmessage\r\n$4\r\nself\r\n$2\r\nhi\r\n", raw(c.call("PUBLISH", "self", "hi")));
            assertEquals(":1\r\n", raw(c.read()));
        }
    }

    @Test
    void jedisSubscriberReceivesInOrder() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                got.add(message);
                if (message.equals("stop")) {
                    unsubscribe();
                }
            }
        };
        try (Jedis sub = new Jedis("127.0.0.1", server.port()); Jedis pub = new Jedis("127.0.0.1", server.port())) {
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> sub.subscribe(listener, "jedis:ch"));
            LocalRing.await("the subscription", 10_000, () -> pub.pubsubNumSub("jedis:ch").get("jedis:ch") == 1L);
            for (int i = 0; i < 100; i++) {
                pub.publish("jedis:ch", Integer.toString(i));
            }
            pub.publish("jedis:ch", "stop");
            done.get(10, TimeUnit.SECONDS);
            assertEquals(101, got.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(Integer.toString(i), got.get(i));
            }
        }
    }
}
