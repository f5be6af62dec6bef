package kvstore.command;

import kvstore.cluster.SingleNodeCoordinator;
import kvstore.config.Config;
import kvstore.keyspace.Entry;
import kvstore.keyspace.ValueType;
import kvstore.metrics.ServerStats;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.storage.MemoryEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keyspace commands run in-process through the dispatcher, over a one-node coordinator. */
class KeyspaceCommandsTest {
    private static final int KEYS = 10_000;

    private SingleNodeCoordinator ks;
    private ServerStats stats;
    private CommandDispatcher dispatcher;
    private final TestSession session = new TestSession();

    @BeforeEach
    void setUp() {
        ks = new SingleNodeCoordinator(new MemoryEngine(), 1, 16);
        stats = new ServerStats();
        CommandContext ctx = new CommandContext(ks, new Config(), stats, new Slowlog());
        dispatcher = new CommandDispatcher(Commands.create(ctx), ctx);
    }

    private Reply run(Session s, String... words) {
        byte[][] argv = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            argv[i] = words[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return dispatcher.dispatch(s, argv);
    }

    private Reply run(String... words) {
        return run(session, words);
    }

    private static long integer(Reply r) {
        return assertInstanceOf(IntegerReply.class, r).value();
    }

    private static String bulk(Reply r) {
        return new String(assertInstanceOf(BulkReply.class, r).value(), StandardCharsets.ISO_8859_1);
    }

    private void fill() {
        for (int i = 0; i < KEYS; i++) {
            byte[] key = ("key:" + i).getBytes(StandardCharsets.ISO_8859_1);
            ValueType type = i % 10 == 0 ? ValueType.LIST : ValueType.STRING;
            ks.put(0, key, new Entry(type, new byte[] {1}, 0, 0));
        }
    }

    /** Walks a whole SCAN and counts how often each key came back. */
    private Map<String, Integer> walk(String... options) {
        Map<String, Integer> seen = new HashMap<>();
        String cursor = "0";
        int calls = 0;
        do {
            String[] words = new String[2 + options.length];
            words[0] = "SCAN";
            words[1] = cursor;
            System.arraycopy(options, 0, words, 2, options.length);
            ArrayReply page = assertInstanceOf(ArrayReply.class, run(words));
            cursor = bulk(page.items().get(0));
            for (Reply k : assertInstanceOf(ArrayReply.class, page.items().get(1)).items()) {
                seen.merge(bulk(k), 1, Integer::sum);
            }
            assertTrue(++calls <= 20_000, "SCAN walk does not end");
        } while (!cursor.equals("0"));
        return seen;
    }

    private static Set<String> expected(java.util.function.IntPredicate which) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < KEYS; i++) {
            if (which.test(i)) {
                keys.add("key:" + i);
            }
        }
        return keys;
    }

    private static void assertEachOnce(Set<String> expected, Map<String, Integer> seen) {
        assertEquals(expected, seen.keySet());
        seen.forEach((k, n) -> assertEquals(1, n, k));
    }

    @Test
    void fullScanReturnsEveryKeyExactlyOnce() {
        fill();
        assertEachOnce(expected(i -> true), walk());
        assertEachOnce(expected(i -> true), walk("COUNT", "1"));
        assertEachOnce(expected(i -> true), walk("COUNT", "1000"));
    }

    @Test
    void scanFiltersByMatchAndType() {
        fill();
        assertEachOnce(expected(i -> Integer.toString(i).startsWith("12")), walk("MATCH", "key:12*", "COUNT", "50"));
        assertEachOnce(expected(i -> i % 10 == 0), walk("TYPE", "list", "COUNT", "7"));
        assertEachOnce(expected(i -> i % 10 != 0), walk("TYPE", "STRING"));
        assertEachOnce(expected(i -> i % 10 != 0 && Integer.toString(i).endsWith("7")),
                walk("MATCH", "*7", "TYPE", "string", "COUNT", "100"));
        assertEachOnce(Set.of(), walk("TYPE", "hash"));
    }

    @Test
    void scanOnlySeesTheSelectedDatabase() {
        fill();
        session.selectDb(3);
        assertEachOnce(Set.of(), walk());
        run("SET", "three", "3");
        assertEachOnce(Set.of("three"), walk());
    }

    @Test
    void keysMatchesBinaryKeys() {
        ks.put(0, new byte[] {'a', 0, (byte) 0xff}, Entry.string(new byte[] {1}, 0));
        ks.put(0, new byte[] {'b'}, Entry.string(new byte[] {1}, 0));
        ArrayReply r = assertInstanceOf(ArrayReply.class, run("KEYS", "a\u0000?"));
        assertEquals(1, r.items().size());
        assertEquals("a\u0000\u00ff", bulk(r.items().get(0)));
    }

    @Test
    void pastExpireAtDeletesAtOnce() {
        run("SET", "k", "v");
        assertEquals(1, integer(run("EXPIREAT", "k", "1")));
        assertEquals(0, ks.size(0));
        assertNull(ks.get(0, "k".getBytes(StandardCharsets.ISO_8859_1)));
        run("SET", "k", "v");
        assertEquals(1, integer(run("PEXPIRE", "k", "0")));
        assertEquals(0, ks.size(0));
    }

    @Test
    void activeExpiryEmptiesDbsizeWithinABoundedWait() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            run("SET", "e" + i, "v");
            assertEquals(1, integer(run("PEXPIRE", "e" + i, "30")));
        }
        run("SET", "stays", "v");
        assertEquals(501, integer(run("DBSIZE")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        // what KvNode's background task does every 1000/hz ms
        while (integer(run("DBSIZE")) != 1 && System.nanoTime() < deadline) {
            ks.expireCycle(TimeUnit.MILLISECONDS.toNanos(25));
            Thread.sleep(10);
        }
        assertEquals(1, integer(run("DBSIZE")));
        assertEquals(-1, integer(run("TTL", "stays")));
    }

    @Test
    void renameKeepsTypeAndTtl() {
        ks.put(0, "l".getBytes(StandardCharsets.ISO_8859_1), new Entry(ValueType.LIST, new byte[] {7}, 0, 0));
        run("PEXPIRE", "l", "100000");
        run("RENAME", "l", "m");
        Entry e = ks.get(0, "m".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(ValueType.LIST, e.type());
        assertTrue(e.hasExpiry());
        assertEquals("list", ((kvstore.resp.SimpleReply) run("TYPE", "m")).text());
        assertEquals(0, integer(run("EXISTS", "l")));
    }

    @Test
    void countsHitsAndMissesWhereRedisDoes() {
        run("SET", "a", "1");
        run("EXISTS", "a", "nokey", "a");
        assertEquals(2, stats.keyspaceHits());
        assertEquals(1, stats.keyspaceMisses());
        run("DEL", "nokey");
        run("RENAME", "a", "b");
        run("KEYS", "*");
        assertEquals(2, stats.keyspaceHits());
        assertEquals(1, stats.keyspaceMisses());
        run("TTL", "nokey");
        run("COPY", "b", "c");
        assertEquals(3, stats.keyspaceHits());
        assertEquals(2, stats.keyspaceMisses());
    }

    /** MOVEs in opposite directions between two databases must not deadlock on each other's stripes. */
    @Test
    void opposingMovesDoNotDeadlock() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?> a = pool.submit(() -> mover(0, 1, start));
            Future<?> b = pool.submit(() -> mover(1, 0, start));
            start.countDown();
            a.get(20, TimeUnit.SECONDS);
            b.get(20, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        // MOVE only ever moves a key to where it is absent, so the 64 keys are all still there once
        Set<String> keys = new HashSet<>();
        for (int db = 0; db < 2; db++) {
            session.selectDb(db);
            for (Reply k : assertInstanceOf(ArrayReply.class, run("KEYS", "m*")).items()) {
                assertTrue(keys.add(bulk(k)), bulk(k));
            }
        }
        assertEquals(64, keys.size());
    }

    private Void mover(int from, int to, CountDownLatch start) throws InterruptedException {
        TestSession s = new TestSession();
        s.selectDb(from);
        if (from == 0) {
            for (int i = 0; i < 64; i++) {
                run(s, "SET", "m" + i, "v");
            }
        }
        start.await();
        for (int round = 0; round < 2000; round++) {
            String key = "m" + (round % 64);
            Reply r = run(s, "MOVE", key, Integer.toString(to));
            assertFalse(r instanceof ErrorReply, r::toString);
            Reply c = run(s, "COPY", key, "copy" + key, "DB", Integer.toString(to), "REPLACE");
            assertFalse(c instanceof ErrorReply, c::toString);
        }
        return null;
    }
}
