package kvstore.compat;

import kvstore.KvNode;
import kvstore.config.ConfigLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server and client-management commands whose replies differ per server, checked by parsing them. */
class ServerCommandsIT {
    private static KvstoreServer server;

    @BeforeAll
    static void start() throws Exception {
        server = KvstoreServer.start("--enable-debug-command", "yes");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", server.port());
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    @Test
    void infoKeyspaceCountsKeys() {
        try (Jedis j = jedis()) {
            j.select(3);
            j.flushDB();
            for (int i = 0; i < 7; i++) {
                j.set("k" + i, "v");
            }
            j.set("k0", "v", redis.clients.jedis.params.SetParams.setParams().px(100_000));
            String ks = j.info("keyspace");
            assertTrue(ks.startsWith("# Keyspace\r\n"), ks);
            String db3 = field(ks, "db3");
            assertTrue(db3.startsWith("keys=7,expires=1,avg_ttl="), db3);
            j.flushDB();
            assertEquals(null, field(j.info("keyspace"), "db3"));
        }
    }

    @Test
    void infoHasTheFieldsToolsRead() {
        try (Jedis j = jedis()) {
            j.get("nosuchkey");
            String all = j.info("everything");
            assertEquals("7.0.15", field(all, "redis_version"));
            assertEquals("standalone", field(all, "redis_mode"));
            assertEquals(Integer.toString(server.port()), field(all, "tcp_port"));
            assertEquals("master", field(all, "role"));
            assertEquals("0", field(all, "loading"));
            assertTrue(Long.parseLong(field(all, "used_memory")) > 0);
            assertTrue(Long.parseLong(field(all, "connected_clients")) >= 1);
            assertTrue(field(all, "cmdstat_get").matches("calls=\\d+,usec=\\d+,usec_per_call=[0-9.]+,rejected_calls=0,failed_calls=0"),
                    field(all, "cmdstat_get"));
            assertTrue(field(all, "latency_percentiles_usec_get").matches("p50=[0-9.]+,p99=[0-9.]+,p99\\.9=[0-9.]+"));
            assertEquals("memory", field(all, "engine"));
            assertTrue(List.of("epoll", "nio").contains(field(all, "transport")));
            assertThrows(JedisDataException.class, () -> j.sendCommand(() -> "NOSUCHCMD".getBytes()));
            assertTrue(Long.parseLong(field(j.info("errorstats"), "errorstat_ERR").substring("count=".length())) >= 1);
            assertEquals("", j.info("nosuchsection"));
        }
    }

    @Test
    void clientListShowsNameAndLibrary() {
        try (Jedis j = jedis(); Jedis other = jedis()) {
            other.clientSetname("other-conn");
            j.clientSetname("me");
            j.sendCommand(() -> "CLIENT".getBytes(), "SETINFO", "LIB-NAME", "mylib");
            j.sendCommand(() -> "CLIENT".getBytes(), "SETINFO", "LIB-VER", "1.2.3");
            String list = j.clientList();
            String mine = list.lines().filter(l -> l.contains(" name=me ")).findFirst().orElseThrow();
            assertTrue(mine.contains(" cmd=client|list "), mine);
            assertTrue(mine.endsWith(" lib-name=mylib lib-ver=1.2.3"), mine);
            assertTrue(mine.contains(" resp=2 "), mine);
            assertTrue(list.contains(" name=other-conn "), list);
            long otherId = other.clientId();
            assertTrue(j.clientList(otherId).startsWith("id=" + otherId + " "));
            Object killed = j.sendCommand(() -> "CLIENT".getBytes(), "KILL", "ID", Long.toString(otherId));
            assertEquals(Long.valueOf(1), killed);
            assertThrows(Exception.class, other::ping);
        }
    }

    @Test
    void maxclientsTakesEffectAtRunTime() throws Exception {
        try (Jedis j = jedis()) {
            int before = Integer.parseInt(field(j.info("clients"), "connected_clients"));
            j.configSet("maxclients", Integer.toString(before));
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                assertEquals("-ERR max number of clients reached", in.readLine());
            } finally {
                j.configSet("maxclients", "10000");
            }
            assertTrue(Long.parseLong(field(j.info("stats"), "rejected_connections")) >= 1);
        }
    }

    @Test
    void requirepassTakesEffectForNewConnections() {
        try (Jedis j = jedis()) {
            j.configSet("requirepass", "s3cret");
            try (Jedis other = jedis()) {
                JedisDataException e = assertThrows(JedisDataException.class, other::ping);
                assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
                assertEquals("OK", other.auth("s3cret"));
                assertEquals("PONG", other.ping());
            } finally {
                // this connection predates the password, so it stays authenticated, as in Redis
                j.configSet("requirepass", "");
            }
        }
    }

    @Test
    void slowlogEntriesHaveRedisShape() {
        try (Jedis j = jedis()) {
            j.clientSetname("slowpoke");
            j.configSet("slowlog-log-slower-than", "0");
            j.slowlogReset();
            j.set("slowkey", "v");
            j.configSet("slowlog-log-slower-than", "10000");
            @SuppressWarnings("unchecked")
            List<Object> entries = (List<Object>) j.sendCommand(() -> "SLOWLOG".getBytes(), "GET", "-1");
            boolean found = false;
            for (Object o : entries) {
                List<?> e = (List<?>) o;
                assertEquals(6, e.size());
                List<?> args = (List<?>) e.get(3);
                if (new String((byte[]) args.get(0)).equalsIgnoreCase("set")) {
                    found = true;
                    assertEquals("slowkey", new String((byte[]) args.get(1)));
                    assertTrue(new String((byte[]) e.get(4)).startsWith("127.0.0.1:"));
                    assertEquals("slowpoke", new String((byte[]) e.get(5)));
                }
            }
            assertTrue(found);
        }
    }

    @Test
    void monitorShowsCommandsWithRedactedSecrets() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port()); Jedis j = jedis()) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            out.write("MONITOR\r\n".getBytes());
            assertEquals("+OK", in.readLine());
            j.select(2);
            j.set("mk", "a\"b");
            j.sendCommand(() -> "HELLO".getBytes(), "2", "AUTH", "default", "pw");
            String select = in.readLine();
            // the db shown is the one after the command ran, as in Redis
            assertTrue(select.matches("\\+\\d+\\.\\d{6} \\[2 127\\.0\\.0\\.1:\\d+\\] \"SELECT\" \"2\""), select);
            String set = in.readLine();
            assertTrue(set.endsWith("] \"SET\" \"mk\" \"a\\\"b\""), set);
            assertTrue(set.contains(" [2 127.0.0.1:"), set);
            String hello = in.readLine();
            assertTrue(hello.endsWith("\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\""), hello);
        }
    }

    @Test
    void debugSleepBlocksAndSetActiveExpireIsAccepted() {
        try (Jedis j = jedis()) {
            long start = System.nanoTime();
            assertEquals("OK", j.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.2") instanceof byte[] b ? new String(b) : "?");
            assertTrue(System.nanoTime() - start >= 190_000_000L);
            assertEquals("OK", new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "0")));
            assertEquals("OK", new String((byte[]) j.sendCommand(() -> "DEBUG".getBytes(), "SET-ACTIVE-EXPIRE", "1")));
        }
    }

    @Test
    void saveUpdatesLastsave() {
        try (Jedis j = jedis()) {
            j.set("x", "1");
            assertEquals("OK", j.save());
            long last = j.lastsave();
            assertTrue(Math.abs(last - System.currentTimeMillis() / 1000) <= 2);
            assertEquals("0", field(j.info("persistence"), "rdb_changes_since_last_save"));
        }
    }

    @Test
    void configRewriteKeepsCommentsAndUpdatesValues() throws Exception {
        Path dir = Files.createTempDirectory("kvstore-rewrite");
        Path conf = dir.resolve("kv.conf");
        Files.writeString(conf, "# my comment\nport 0\ntimeout 5\n# another\nmaxclients 100\nmaxclients 200\n");
        KvNode node = new KvNode(ConfigLoader.load(new String[] {conf.toString(), "--dir", dir.toString(),
                "--loglevel", "warning"}), () -> { });
        node.start();
        try (Jedis j = new Jedis("127.0.0.1", node.port())) {
            j.configSet("timeout", "7");
            j.configSet("slowlog-max-len", "99");
            assertEquals("OK", j.configRewrite());
        } finally {
            node.close();
        }
        List<String> lines = Files.readAllLines(conf);
        assertEquals("# my comment", lines.get(0));
        assertEquals("timeout 7", lines.get(2));
        assertEquals("# another", lines.get(3));
        assertEquals("maxclients 200", lines.get(4));
        assertFalse(lines.contains("maxclients 100"));
        assertTrue(lines.contains("# Generated by CONFIG REWRITE"));
        assertTrue(lines.contains("slowlog-max-len 99"));
    }

    @Test
    void configRewriteWithoutFileFails() {
        try (Jedis j = jedis()) {
            JedisDataException e = assertThrows(JedisDataException.class, j::configRewrite);
            assertEquals("ERR The server is running without a config file", e.getMessage());
        }
    }
}
