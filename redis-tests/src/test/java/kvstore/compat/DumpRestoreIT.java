package kvstore.compat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DUMP and RESTORE between a real redis-server and kvstore, both ways, for every type in the
 * encodings Redis picks for small and big values (listpacks, intsets, quicklists, hash tables, skip
 * lists, integer and LZF-compressed strings): what is read back must be the same on both sides.
 */
class DumpRestoreIT extends OneServerIT {
    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    /** Commands that build one key each, and the read that compares it. */
    private static List<String[][]> cases() {
        List<String[][]> c = new ArrayList<>();
        c.add(new String[][] {{"SET", "str", "hello"}, {"GET", "str"}});
        c.add(new String[][] {{"SET", "int", "-12345"}, {"GET", "int"}});
        c.add(new String[][] {{"SET", "big", "x".repeat(5000) + "y".repeat(5000)}, {"GET", "big"}});
        c.add(new String[][] {{"RPUSH", "list", "a", "1", "-70000", "4294967296", "b".repeat(300)}, {"LRANGE", "list", "0", "-1"}});
        c.add(new String[][] {{"SADD", "iset", "1", "2", "-3", "70000", "5000000000"}, {"SORT", "iset"}});
        c.add(new String[][] {{"SADD", "set", "a", "b", "c"}, {"SORT", "set", "ALPHA"}});
        c.add(new String[][] {{"HSET", "hash", "f1", "v1", "f2", "2", "f3", "v".repeat(100)}, {"HGETALL", "hash"}});
        c.add(new String[][] {{"ZADD", "zset", "1", "a", "2.5", "b", "-1e10", "c", "inf", "d"},
                {"ZRANGE", "zset", "0", "-1", "WITHSCORES"}});
        List<String> bigList = new ArrayList<>(List.of("RPUSH", "blist"));
        List<String> bigHash = new ArrayList<>(List.of("HSET", "bhash"));
        List<String> bigZset = new ArrayList<>(List.of("ZADD", "bzset"));
        List<String> bigSet = new ArrayList<>(List.of("SADD", "bset"));
        for (int i = 0; i < 1000; i++) {
            bigList.add("element-" + i);
            bigHash.add("field-" + i);
            bigHash.add("value-" + i);
            bigZset.add(Double.toString(i * 1.5));
            bigZset.add("member-" + i);
            bigSet.add("m" + i);
        }
        c.add(new String[][] {bigList.toArray(new String[0]), {"LRANGE", "blist", "0", "-1"}});
        c.add(new String[][] {bigHash.toArray(new String[0]), {"HGETALL", "bhash"}});
        c.add(new String[][] {bigZset.toArray(new String[0]), {"ZRANGE", "bzset", "0", "-1", "WITHSCORES"}});
        c.add(new String[][] {bigSet.toArray(new String[0]), {"SORT", "bset", "ALPHA"}});
        return c;
    }

    @Test
    void redisDumpsRestoreIntoKvstoreAndBack() throws Exception {
        try (RespConnection r = new RespConnection(redis.port()); RespConnection k = new RespConnection(server.port())) {
            r.call("FLUSHALL");
            k.call("FLUSHALL");
            for (String[][] c : cases()) {
                String key = c[0][1];
                r.call(c[0]);
                String expected = read(r, c[1]);
                byte[] fromRedis = r.call("DUMP", key).raw();
                assertEquals("+OK", text(k.call(List.of(b("RESTORE"), b(key), b("0"), payload(fromRedis)))), key);
                assertEquals(expected, read(k, c[1]), "kvstore restored " + key + " from Redis's DUMP");

                byte[] fromKvstore = k.call("DUMP", key).raw();
                r.call("DEL", key);
                assertEquals("+OK", text(r.call(List.of(b("RESTORE"), b(key), b("0"), payload(fromKvstore)))), key);
                assertEquals(expected, read(r, c[1]), "Redis restored " + key + " from kvstore's DUMP");
            }
        }
    }

    @Test
    void restoreRefusesAndChecksLikeRedis() throws Exception {
        try (RespConnection r = new RespConnection(redis.port()); RespConnection k = new RespConnection(server.port())) {
            r.call("SET", "src", "v");
            byte[] p = payload(r.call("DUMP", "src").raw());
            k.call("SET", "taken", "x");
            for (RespConnection c : List.of(r, k)) {
                c.call("SET", "taken", "x");
                assertEquals("-BUSYKEY Target key name already exists.", text(c.call(List.of(b("RESTORE"), b("taken"), b("0"), p))));
                assertEquals("+OK", text(c.call(List.of(b("RESTORE"), b("taken"), b("0"), p, b("REPLACE")))));
                byte[] broken = p.clone();
                broken[1] ^= 1;
                assertEquals("-ERR DUMP payload version or checksum are wrong",
                        text(c.call(List.of(b("RESTORE"), b("k2"), b("0"), broken))));
                assertEquals("-ERR Invalid TTL value, must be >= 0", text(c.call(List.of(b("RESTORE"), b("k2"), b("-1"), p))));
                assertEquals("+OK", text(c.call(List.of(b("RESTORE"), b("k3"), b("100000"), p))));
                assertEquals(":1", text(c.call("EXISTS", "k3")));
                assertEquals("+OK", text(c.call(List.of(b("RESTORE"), b("k4"), b("1"), p, b("ABSTTL")))));
                assertEquals(":0", text(c.call("EXISTS", "k4")), "an absolute TTL in the past creates nothing");
                assertEquals("$-1", text(c.call("DUMP", "nosuch")));
            }
        }
    }

    /** The read's reply as text; HGETALL's pairs sorted, since a big hash's order is its hash order. */
    private static String read(RespConnection c, String[] command) throws IOException {
        RespValue v = c.call(command);
        if (!command[0].equals("HGETALL")) {
            return text(v);
        }
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < v.children().size(); i += 2) {
            pairs.add(v.children().get(i).text() + "=" + v.children().get(i + 1).text());
        }
        pairs.sort(null);
        return pairs.toString();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bulk string's payload out of its raw RESP bytes. */
    private static byte[] payload(byte[] raw) {
        int lf = 0;
        while (raw[lf] != '\n') {
            lf++;
        }
        return java.util.Arrays.copyOfRange(raw, lf + 1, raw.length - 2);
    }

    private static String text(RespValue v) throws IOException {
        String s = new String(v.raw(), StandardCharsets.ISO_8859_1);
        return s.endsWith("\r\n") && v.children().isEmpty() && !s.startsWith("$") || s.startsWith("$-1")
                ? s.substring(0, s.length() - 2) : s;
    }
}
