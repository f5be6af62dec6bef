package kvstore.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kvstore's ring extension commands on a single node (a ring of one, N=1), where Redis has none. */
class ExtensionCommandsIT {
    private static KvstoreServer server;

    @BeforeAll
    static void start() throws Exception {
        server = KvstoreServer.start("--node-name", "solo");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void consistencyShowsAndValidatesAgainstN() throws IOException {
        try (RespConnection c = new RespConnection(server.port())) {
            assertEquals("*6\r\n$1\r\nn\r\n:1\r\n$1\r\nr\r\n:1\r\n$1\r\nw\r\n:1\r\n", new String(c.call("CONSISTENCY").raw()));
            assertEquals("ERR R must be an integer between 1 and N (N=1)", c.call("CONSISTENCY", "R", "2").text());
            assertEquals("ERR W must be an integer between 1 and N (N=1)", c.call("CONSISTENCY", "W", "0").text());
            assertEquals("ERR W must be an integer between 1 and N (N=1)", c.call("CONSISTENCY", "R", "1", "W", "x").text());
            assertEquals("ERR syntax error", c.call("CONSISTENCY", "SOME").text());
            assertEquals("ERR syntax error", c.call("CONSISTENCY", "R", "1", "W").text());
            assertEquals("OK", c.call("CONSISTENCY", "ALL").text());
            assertEquals("OK", c.call("CONSISTENCY", "r", "1", "w", "1").text());
            assertEquals("OK", c.call("CONSISTENCY", "QUORUM").text());
            c.call("HELLO", "3");
            assertEquals("%3\r\n$1\r\nn\r\n:1\r\n$1\r\nr\r\n:1\r\n$1\r\nw\r\n:1\r\n", new String(c.call("CONSISTENCY").raw()));
        }
    }

    @Test
    void siblingsAndContextWritesOnOneNode() throws IOException {
        try (RespConnection c = new RespConnection(server.port())) {
            RespValue none = c.call("SIBLINGS", "ext:none");
            assertEquals(1, none.children().size());
            assertEquals("", none.children().get(0).text());
            c.call("SET", "ext:k", "v1");
            RespValue s1 = c.call("SIBLINGS", "ext:k");
            assertEquals(2, s1.children().size());
            assertEquals("v1", s1.children().get(1).text());
            String ctx = s1.children().get(0).text();
            // two writers with the same context: concurrent, so both stay
            assertEquals("OK", c.call("SET", "ext:k", "a", "CONTEXT", ctx).text());
            assertEquals("OK", c.call("SET", "ext:k", "b", "CONTEXT", ctx).text());
            RespValue s2 = c.call("SIBLINGS", "ext:k");
            assertEquals(3, s2.children().size(), s2.toString());
            assertEquals("b", c.call("GET", "ext:k").text()); // the later write wins plain reads
            assertEquals("OK", c.call("SET", "ext:k", "ab", "PX", "100000", "CONTEXT", s2.children().get(0).text()).text());
            RespValue s3 = c.call("SIBLINGS", "ext:k");
            assertEquals(2, s3.children().size());
            assertTrue(Long.parseLong(c.call("PTTL", "ext:k").text()) > 0);
            assertEquals("OK", c.call("DELETE", "ext:k", "CONTEXT", s3.children().get(0).text()).text());
            assertEquals(-1, c.call("GET", "ext:k").length());
            assertEquals(0, Long.parseLong(c.call("EXISTS", "ext:k").text()));
            assertEquals("ERR invalid context (pass back the first element of SIBLINGS)",
                    c.call("SET", "ext:k", "v", "CONTEXT", "@@@").text());
            assertEquals("ERR invalid context (pass back the first element of SIBLINGS)",
                    c.call("DELETE", "ext:k", "CONTEXT", "AQ").text());
            assertEquals("ERR syntax error", c.call("DELETE", "ext:k", "CTX", ctx).text());
            assertEquals("ERR CONTEXT cannot be combined with NX, XX, GET or KEEPTTL",
                    c.call("SET", "ext:k", "v", "NX", "CONTEXT", ctx).text());
            assertEquals("ERR syntax error", c.call("SET", "ext:k", "v", "FOO", "CONTEXT", ctx).text());
        }
    }

    @Test
    void maxSiblingsRefusesAWriteThatWouldExceedIt() throws IOException {
        try (RespConnection c = new RespConnection(server.port())) {
            assertEquals("OK", c.call("CONFIG", "SET", "max-siblings", "2").text());
            try {
                c.call("SET", "ext:m", "v");
                String ctx = c.call("SIBLINGS", "ext:m").children().get(0).text();
                assertEquals("OK", c.call("SET", "ext:m", "a", "CONTEXT", ctx).text());
                assertEquals("OK", c.call("SET", "ext:m", "b", "CONTEXT", ctx).text());
                RespValue refused = c.call("SET", "ext:m", "c", "CONTEXT", ctx);
                assertEquals('-', refused.type());
                assertTrue(refused.text().startsWith("ERR the key would have more than max-siblings (2) siblings"),
                        refused.text());
                assertEquals(3, c.call("SIBLINGS", "ext:m").children().size());
                // a plain SET supersedes what this node has seen: it resolves them
                assertEquals("OK", c.call("SET", "ext:m", "d").text());
                assertEquals(2, c.call("SIBLINGS", "ext:m").children().size());
            } finally {
                c.call("CONFIG", "SET", "max-siblings", "100");
            }
        }
    }

    @Test
    void ringAndClusterCommands() throws IOException {
        try (RespConnection c = new RespConnection(server.port())) {
            String nodes = c.call("RING", "NODES").text();
            assertTrue(nodes.startsWith("solo 127.0.0.1:") && nodes.contains("state=myself phi=0.00 slots=0-16383\n"), nodes);
            RespValue owners = c.call("RING", "OWNERS", "k");
            assertEquals(1, owners.children().size());
            assertEquals("solo", owners.children().get(0).text());
            // the slots Redis Cluster computes (CRC16/XMODEM, hash tags)
            assertEquals(12182, Long.parseLong(c.call("CLUSTER", "KEYSLOT", "foo").text()));
            assertEquals(Long.parseLong(c.call("CLUSTER", "KEYSLOT", "{user1}.a").text()),
                    Long.parseLong(c.call("CLUSTER", "KEYSLOT", "user1").text()));
            String info = c.call("INFO", "cluster").text();
            assertTrue(info.contains("cluster_enabled:0\r\nring_node_name:solo\r\nring_nodes:1\r\n"), info);
            assertTrue(info.contains("ring_replication_factor:1\r\n"), info);
            assertTrue(c.call("RING", "CUT", "x").text().startsWith("ERR RING CUT and HEAL are not allowed"));
        }
    }
}
