package kvstore.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Malformed, partial, oversized and pipelined input, sent as raw bytes to redis-server and to
 * kvstore: everything each server writes back until it closes the connection must be identical.
 */
class ProtocolIT {
    private static RedisServerProcess redis;
    private static KvstoreServer kvstore;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        kvstore = KvstoreServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kvstore.close();
        redis.close();
    }

    /** Sends {@code input}, closes the sending side, and returns all the server wrote until it closed. */
    private static String exchange(int port, byte[] input) throws IOException {
        try (RespConnection c = new RespConnection(port)) {
            c.send(input);
            c.shutdownOutput();
            try {
                return RespValue.escape(c.readUntilClosed());
            } catch (IOException reset) {
                return "connection reset";
            }
        }
    }

    private static void assertSameAsRedis(byte[] input) throws IOException {
        assertEquals(exchange(redis.port(), input), exchange(kvstore.port(), input));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "*abc\\r\\n",
        "*-1\\r\\nPING\\r\\n",
        "*0\\r\\nPING\\r\\n",
        "*3\\r\\n$3\\r\\nSET\\r\\n:1\\r\\n",
        "*1\\r\\n$-5\\r\\n",
        "*1\\r\\n$01\\r\\nx\\r\\n",
        "*1\\r\\n$4294967296\\r\\n",
        "*1\\r\\n$600000000\\r\\n",
        "*2147483648\\r\\n",
        "*+1\\r\\n$4\\r\\nPING\\r\\n",
        "SET k \"abc\\r\\n",
        "SET k 'a'b\\r\\n",
        "PING\\r\\nECHO \"a\\\\x41\\\\n\"\\r\\n\\r\\n   \\r\\n",
        "PING\\n*x\\r\\n",
        "*2\\r\\n$4\\r\\nECHO\\r\\n$3\\r\\nabcXY*1\\r\\n$4\\r\\nPING\\r\\n",
        "*1\\r\\n$4\\r\\nPING\\r\\n*1\\r\\n$4\\r\\nPIN"
    })
    void malformedInputGetsRedisErrors(String escaped) throws IOException {
        String unescaped = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\\\", "\\");
        assertSameAsRedis(unescaped.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void tooBigInlineRequest() throws IOException {
        assertSameAsRedis("x".repeat(70_000).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void tooBigBulkCountString() throws IOException {
        assertSameAsRedis(("*1\r\n$" + "1".repeat(70_000)).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void thousandsOfPipelinedCommandsInOnePacket() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) {
            String k = "key:" + i;
            b.writeBytes(("*3\r\n$3\r\nSET\r\n$" + k.length() + "\r\n" + k + "\r\n$1\r\nv\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(("*2\r\n$3\r\nGET\r\n$" + k.length() + "\r\n" + k + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes("DBSIZE\r\nDEL key:1 key:2 nokey\r\n".getBytes(StandardCharsets.US_ASCII));
        try (RespConnection r = new RespConnection(redis.port()); RespConnection k = new RespConnection(kvstore.port())) {
            r.call("FLUSHALL");
            k.call("FLUSHALL");
        }
        assertSameAsRedis(b.toByteArray());
    }
}
