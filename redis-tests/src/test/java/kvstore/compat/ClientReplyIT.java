package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CLIENT REPLY OFF / SKIP / ON: which replies come back, checked on the wire. */
class ClientReplyIT extends OneServerIT {
    @Test
    void offAndSkipDropRepliesUntilOn() throws Exception {
        try (RespConnection c = new RespConnection(server.port())) {
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            for (String[] cmd : List.of(
                    new String[] {"CLIENT", "REPLY", "OFF"},
                    new String[] {"SET", "cr:k", "1"},
                    new String[] {"INCR", "cr:k"},
                    new String[] {"CLIENT", "REPLY", "ON"},
                    new String[] {"GET", "cr:k"},
                    new String[] {"CLIENT", "REPLY", "SKIP"},
                    new String[] {"ECHO", "skipped"},
                    new String[] {"ECHO", "seen"},
                    new String[] {"CLIENT", "REPLY", "MAYBE"})) {
                batch.write(RespConnection.encode(java.util.Arrays.stream(cmd)
                        .map(x -> x.getBytes(StandardCharsets.ISO_8859_1)).toList()));
            }
            c.send(batch.toByteArray());
            assertEquals("+OK\r\n", raw(c.read()));
            assertEquals("$1\r\n2\r\n", raw(c.read()), "SET and INCR ran without replies");
            assertEquals("$4\r\nseen\r\n", raw(c.read()));
            assertEquals("-ERR syntax error\r\n", raw(c.read()));
        }
    }

    @Test
    void subscribeConfirmationsAndMessagesStillComeWithRepliesOff() throws Exception {
        try (RespConnection sub = new RespConnection(server.port()); RespConnection pub = new RespConnection(server.port())) {
            sub.send(RespConnection.encode(List.of("CLIENT".getBytes(), "REPLY".getBytes(), "OFF".getBytes())));
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$5\r\ncr:ch\r\n:1\r\n", raw(sub.call("SUBSCRIBE", "cr:ch")));
            assertEquals(":1\r\n", raw(pub.call("PUBLISH", "cr:ch", "m")));
            assertEquals("*3\r\n$7\r\nmessage\r\n$5\r\ncr:ch\r\n$1\r\nm\r\n", raw(sub.read()));
        }
    }

    private static String raw(RespValue v) {
        return new String(v.raw(), StandardCharsets.ISO_8859_1);
    }
}
