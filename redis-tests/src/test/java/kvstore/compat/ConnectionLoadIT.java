package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server holds 10,000 idle connections while serving a benchmark load, and clients that send a
 * 4 GB length header, half a command or garbage do not hold anyone else up.
 */
class ConnectionLoadIT {
    private static final int IDLE = 10_000;

    @Test
    void tenThousandIdleConnectionsAndABenchmark() throws Exception {
        try (KvstoreProcess server = KvstoreProcess.start("--maxclients", "10100")) {
            List<SocketChannel> idle = new ArrayList<>(IDLE);
            try {
                for (int i = 0; i < IDLE; i++) {
                    idle.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port())));
                }
                for (int i = 0; i < IDLE; i += 997) {
                    assertEquals("+PONG\r\n", ping(idle.get(i)));
                }
                Process bench = new ProcessBuilder("redis-benchmark", "-p", Integer.toString(server.port()),
                        "-t", "set,get", "-n", "100000", "-c", "50", "-P", "16", "-r", "10000", "-q", "--csv")
                        .redirectErrorStream(true).start();
                String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(bench.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, bench.exitValue(), out);
                assertFalse(out.toLowerCase().contains("error"), out);
                assertTrue(out.contains("\"GET\""), out);
                assertEquals("+PONG\r\n", ping(idle.get(IDLE - 1)));
            } finally {
                for (SocketChannel c : idle) {
                    c.close();
                }
            }
        }
    }

    private static String ping(SocketChannel c) throws IOException {
        c.write(ByteBuffer.wrap("PING\r\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer b = ByteBuffer.allocate(7);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                break;
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }

    /** True once the server has closed: end of stream, or a reset because unread garbage was left behind. */
    private static boolean closedByServer(InputStream in) {
        try {
            in.readAllBytes();
            return true;
        } catch (IOException reset) {
            return reset.getMessage() != null && reset.getMessage().contains("reset");
        }
    }

    @Test
    void badClientsDoNotHoldUpOthers() throws Exception {
        try (KvstoreServer server = KvstoreServer.start();
             RespConnection huge = new RespConnection(server.port());
             RespConnection half = new RespConnection(server.port());
             RespConnection garbage = new RespConnection(server.port());
             RespConnection good = new RespConnection(server.port())) {
            huge.send("*1\r\n$4294967296\r\n".getBytes(StandardCharsets.US_ASCII));
            half.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc".getBytes(StandardCharsets.US_ASCII));
            byte[] noise = new byte[100_000];
            new java.util.Random(7).nextBytes(noise);
            noise[0] = '*';
            garbage.send(noise);
            for (int i = 0; i < 100; i++) {
                assertEquals("+OK\\r\\n", good.call("SET", "k" + i, "v").toString());
            }
            assertEquals("-ERR Protocol error: invalid bulk length\\r\\n", huge.read().toString());
            assertTrue(closedByServer(garbage.input()), "the garbage sender is disconnected");
            half.send("defghij\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK\\r\\n", half.read().toString());
            assertEquals("$10\\r\\nabcdefghij\\r\\n", good.call("GET", "k").toString());
        }
    }
}
