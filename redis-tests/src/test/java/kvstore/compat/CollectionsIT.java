package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Collections beyond what a differential script can show: hashes past their compact size (scan
 * cursors, random fields), whole-key deletion and expiry removing every element, and elements
 * surviving a kill -9 of a real server process.
 */
class CollectionsIT {
    private static final int FIELDS = 3000;

    private static void fill(RespConnection c, String key, int n) throws IOException {
        for (int i = 0; i < n; i += 500) {
            List<String> args = new ArrayList<>(List.of("HSET", key));
            for (int j = i; j < Math.min(n, i + 500); j++) {
                args.add("f" + j);
                args.add("v" + j);
            }
            c.call(args.toArray(new String[0]));
        }
    }

    @Test
    void bigHashScansInPagesAndReturnsEveryField() throws Exception {
        try (KvstoreServer server = KvstoreServer.start(); RespConnection c = new RespConnection(server.port())) {
            fill(c, "big", FIELDS);
            assertEquals("hashtable", c.call("OBJECT", "ENCODING", "big").text());
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                RespValue page = c.call("HSCAN", "big", cursor, "COUNT", "100");
                cursor = page.children().get(0).text();
                List<RespValue> items = page.children().get(1).children();
                assertTrue(items.size() <= 2 * 110, "a page holds about COUNT fields: " + items.size());
                for (int i = 0; i < items.size(); i += 2) {
                    seen.add(items.get(i).text());
                    if (!items.get(i).text().equals("new")) {
                        assertEquals("v" + items.get(i).text().substring(1), items.get(i + 1).text());
                    }
                }
                if (calls++ == 5) {
                    // fields deleted and added mid-walk do not make the walk skip the others
                    c.call("HDEL", "big", "f0", "f1");
                    c.call("HSET", "big", "new", "x");
                    c.call("HSET", "big", "f0", "v0", "f1", "v1");
                }
            } while (!cursor.equals("0"));
            for (int i = 0; i < FIELDS; i++) {
                assertTrue(seen.contains("f" + i), "f" + i + " missing from the scan");
            }
            assertTrue(calls >= FIELDS / 110, "walked in pages: " + calls);
        }
    }

    @Test
    void bigSetsAndSortedSetsScanEveryMemberWhileChanging() throws Exception {
        try (KvstoreServer server = KvstoreServer.start(); RespConnection c = new RespConnection(server.port())) {
            for (int i = 0; i < FIELDS; i += 500) {
                List<String> sadd = new ArrayList<>(List.of("SADD", "bigset"));
                List<String> zadd = new ArrayList<>(List.of("ZADD", "bigz"));
                for (int j = i; j < i + 500; j++) {
                    sadd.add("m" + j);
                    zadd.add(Integer.toString(j));
                    zadd.add("m" + j);
                }
                c.call(sadd.toArray(new String[0]));
                c.call(zadd.toArray(new String[0]));
            }
            for (String[] scan : new String[][] {{"SSCAN", "bigset", "1"}, {"ZSCAN", "bigz", "2"}}) {
                Set<String> seen = new HashSet<>();
                String cursor = "0";
                int calls = 0;
                do {
                    RespValue page = c.call(scan[0], scan[1], cursor, "COUNT", "50");
                    cursor = page.children().get(0).text();
                    List<RespValue> items = page.children().get(1).children();
                    int step = Integer.parseInt(scan[2]);
                    for (int i = 0; i < items.size(); i += step) {
                        seen.add(items.get(i).text());
                    }
                    if (calls++ == 3) {
                        // members removed behind the cursor do not make the walk skip the others
                        for (int k = 0; k < 200; k++) {
                            c.call(scan[0].equals("SSCAN") ? "SREM" : "ZREM", scan[1], "m" + k);
                        }
                    }
                } while (!cursor.equals("0"));
                for (int i = 200; i < FIELDS; i++) {
                    assertTrue(seen.contains("m" + i), scan[0] + ": m" + i + " missing");
                }
                assertTrue(calls >= FIELDS / 60, scan[0] + " walked in pages: " + calls);
            }
        }
    }

    @Test
    void keyspaceWalksSeeCollectionsAsOneKeyEach() throws Exception {
        try (KvstoreServer server = KvstoreServer.start(); RespConnection c = new RespConnection(server.port())) {
            fill(c, "{t}h", FIELDS);
            c.call("SADD", "{t}s", "x", "y");
            c.call("SET", "{t}a", "1");
            c.call("SET", "{t}z", "2");
            Set<String> want = Set.of("{t}h", "{t}s", "{t}a", "{t}z");
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            do {
                RespValue page = c.call("SCAN", cursor, "COUNT", "2");
                cursor = page.children().get(0).text();
                page.children().get(1).children().forEach(k -> seen.add(k.text()));
            } while (!cursor.equals("0"));
            assertEquals(want, seen);
            assertEquals(4, c.call("KEYS", "*").children().size());
            assertTrue(want.contains(c.call("RANDOMKEY").text()));
            assertEquals("4", c.call("DBSIZE").text());
        }
    }

    @Test
    void randomFieldsOfABigHashAreSpreadAndReal() throws Exception {
        try (KvstoreServer server = KvstoreServer.start(); RespConnection c = new RespConnection(server.port())) {
            fill(c, "rnd", FIELDS);
            Set<String> picked = new HashSet<>();
            for (int i = 0; i < 2000; i++) {
                String f = c.call("HRANDFIELD", "rnd").text();
                assertEquals("v" + f.substring(1), c.call("HGET", "rnd", f).text());
                picked.add(f);
            }
            assertTrue(picked.size() > 1000, "2000 draws found only " + picked.size() + " distinct fields");
            RespValue distinct = c.call("HRANDFIELD", "rnd", "50");
            assertEquals(50, new HashSet<>(distinct.children().stream().map(RespValue::text).toList()).size());
        }
    }

    @Test
    void deletingOrExpiringAHashRemovesItsFields() throws Exception {
        try (KvstoreServer server = KvstoreServer.start(); RespConnection c = new RespConnection(server.port())) {
            fill(c, "gone", 1000);
            assertEquals("1", c.call("DEL", "gone").text());
            assertEquals("1", c.call("HSET", "gone", "f5", "new").text());
            assertEquals("1", c.call("HLEN", "gone").text());
            assertEquals(2, c.call("HGETALL", "gone").children().size());
            assertEquals("OK", c.call("SET", "gone", "now a string").text());
            c.call("DEL", "gone");
            c.call("HSET", "gone", "a", "b");
            assertEquals(2, c.call("HGETALL", "gone").children().size());

            fill(c, "ttl", 1000);
            c.call("PEXPIRE", "ttl", "20");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!c.call("DBSIZE").text().equals("1") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals("1", c.call("DBSIZE").text(), "active expiry reclaims the hash");
            c.call("HSET", "ttl", "x", "y");
            assertEquals(2, c.call("HGETALL", "ttl").children().size(), "no field of the expired hash survives");
        }
    }

    @Test
    void hashFieldsSurviveKillNine() throws Exception {
        Path dir = Files.createTempDirectory("kvstore-coll");
        int port = RedisServerProcess.freePort();
        try (KvstoreProcess p = KvstoreProcess.start(dir, port, "--appendfsync", "always")) {
            try (RespConnection c = new RespConnection(p.port())) {
                fill(c, "durable", 700);
                c.call("HDEL", "durable", "f3");
                c.call("HINCRBY", "durable", "n", "41");
            }
            p.kill();
        }
        try (KvstoreProcess p = KvstoreProcess.start(dir, port); RespConnection c = new RespConnection(p.port())) {
            assertEquals("700", c.call("HLEN", "durable").text());
            assertEquals("v699", c.call("HGET", "durable", "f699").text());
            assertEquals("42", c.call("HINCRBY", "durable", "n", "1").text());
            assertEquals("$-1\r\n", new String(c.call("HGET", "durable", "f3").raw(), StandardCharsets.UTF_8));
            assertEquals("1", c.call("DBSIZE").text());
            assertEquals("hash", c.call("TYPE", "durable").text());
        }
    }
}
