package kvstore.command;

import kvstore.cluster.SingleNodeCoordinator;
import kvstore.config.Config;
import kvstore.metrics.ServerStats;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.storage.MemoryEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** List commands in-process against a model, the element layout, and the blocked-client registry. */
class ListCommandsTest {
    private SingleNodeCoordinator ks;
    private CommandDispatcher dispatcher;
    private BlockingKeys blocking;
    private final TestSession session = new TestSession();

    @BeforeEach
    void setUp() {
        ks = new SingleNodeCoordinator(new MemoryEngine(), 1, 16);
        CommandContext ctx = new CommandContext(ks, new Config(), new ServerStats(), new Slowlog());
        dispatcher = new CommandDispatcher(Commands.create(ctx), ctx);
        blocking = ctx.blocking();
    }

    private static byte[][] argv(String... words) {
        byte[][] argv = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            argv[i] = words[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return argv;
    }

    private Reply run(String... words) {
        return dispatcher.dispatch(session, argv(words));
    }

    private List<String> range(String key) {
        List<String> out = new ArrayList<>();
        for (Reply r : assertInstanceOf(ArrayReply.class, run("lrange", key, "0", "-1")).items()) {
            out.add(new String(assertInstanceOf(BulkReply.class, r).value(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** The element entries actually stored: exactly LLEN of them, at consecutive positions. */
    private void assertLayout(String key, int expected) {
        List<byte[]> positions = new ArrayList<>();
        ks.elements(0, key.getBytes(StandardCharsets.ISO_8859_1), null, null, (e, v) -> {
            positions.add(e);
            return true;
        });
        assertEquals(expected, positions.size(), "stored elements of " + key);
        for (int i = 1; i < positions.size(); i++) {
            assertEquals(decode(positions.get(i - 1)) + 1, decode(positions.get(i)), "positions are consecutive");
        }
    }

    private static long decode(byte[] p) {
        long v = 0;
        for (byte b : p) {
            v = (v << 8) | (b & 0xff);
        }
        return v ^ Long.MIN_VALUE;
    }

    @Test
    void positionsSortAsSignedNumbers() {
        long[] ps = {Long.MIN_VALUE, -1000, -1, 0, 1, 1000, Long.MAX_VALUE};
        for (int i = 1; i < ps.length; i++) {
            assertTrue(Arrays.compareUnsigned(ListKey.position(ps[i - 1]), ListKey.position(ps[i])) < 0);
            assertEquals(ps[i], decode(ListKey.position(ps[i])));
        }
    }

    @Test
    void randomOperationsMatchAModelAcrossChunkBoundaries() {
        Random rnd = new Random(42);
        LinkedList<String> model = new LinkedList<>();
        String[] vals = {"a", "b", "c"};
        for (int step = 0; step < 2000; step++) {
            String v = vals[rnd.nextInt(vals.length)];
            int op = rnd.nextInt(6);
            if (op == 0) {
                int n = 1 + rnd.nextInt(80);
                String[] words = new String[n + 2];
                words[0] = "lpush";
                words[1] = "l";
                for (int i = 0; i < n; i++) {
                    words[i + 2] = vals[rnd.nextInt(vals.length)];
                    model.addFirst(words[i + 2]);
                }
                run(words);
            } else if (op == 1) {
                run("rpush", "l", v);
                model.addLast(v);
            } else if (op == 2 && !model.isEmpty()) {
                String pivot = vals[rnd.nextInt(vals.length)];
                int at = model.indexOf(pivot);
                long got = ((IntegerReply) run("linsert", "l", "after", pivot, v)).value();
                if (at >= 0) {
                    model.add(at + 1, v);
                    assertEquals(model.size(), got);
                } else {
                    assertEquals(-1, got);
                }
            } else if (op == 3) {
                int count = rnd.nextInt(41) - 20;
                long removed = 0;
                if (count >= 0) {
                    for (var it = model.iterator(); it.hasNext(); ) {
                        if (it.next().equals(v) && (count == 0 || removed < count)) {
                            it.remove();
                            removed++;
                        }
                    }
                } else {
                    for (var it = model.descendingIterator(); it.hasNext(); ) {
                        if (it.next().equals(v) && removed < -count) {
                            it.remove();
                            removed++;
                        }
                    }
                }
                assertEquals(removed, ((IntegerReply) run("lrem", "l", Integer.toString(count), v)).value());
            } else if (op == 4 && model.size() > 4) {
                run("ltrim", "l", "1", "-2");
                model.removeFirst();
                model.removeLast();
            } else if (op == 5 && !model.isEmpty()) {
                run("rpop", "l");
                model.removeLast();
            }
            if (step % 50 == 0 || model.size() < 3) {
                assertEquals(model, range("l"), "after step " + step);
                assertLayout("l", model.size());
            }
        }
        assertEquals(model, range("l"));
    }

    @Test
    void lastElementGoneDeletesTheKeyAndItsElements() {
        run("rpush", "k", "a", "b", "a");
        run("lrem", "k", "0", "a");
        run("lpop", "k");
        assertNull(ks.get(0, "k".getBytes(StandardCharsets.ISO_8859_1)));
        assertLayout("k", 0);
    }

    @Test
    void blockedClientsAreServedOldestFirstAfterThePush() {
        List<String> served = new ArrayList<>();
        TestSession first = new TestSession();
        TestSession second = new TestSession();
        byte[][] pop = argv("blpop", "q", "0");
        Reply r1 = dispatcher.dispatch(first, pop);
        Reply r2 = dispatcher.dispatch(second, pop);
        blocking.block(first, pop, assertInstanceOf(Blocked.class, r1), r -> served.add("first " + text(r)));
        blocking.serveReady(dispatcher);
        blocking.block(second, pop, assertInstanceOf(Blocked.class, r2), r -> served.add("second " + text(r)));
        blocking.serveReady(dispatcher);
        assertEquals(2, blocking.blockedClients());
        run("rpush", "q", "x");
        blocking.serveReady(dispatcher);
        assertEquals(List.of("first x"), served);
        assertEquals(1, blocking.blockedClients());
        run("rpush", "q", "y", "z");
        blocking.serveReady(dispatcher);
        assertEquals(List.of("first x", "second y"), served);
        assertEquals(List.of("z"), range("q"));
        assertEquals(0, blocking.blockedClients());
    }

    @Test
    void aPushBeforeRegistrationIsNotLost() {
        List<Reply> served = new ArrayList<>();
        byte[][] pop = argv("brpop", "q", "0");
        Reply r = run("brpop", "q", "0");
        run("rpush", "q", "late"); // lands between the check and the registration
        blocking.block(session, pop, assertInstanceOf(Blocked.class, r), served::add);
        blocking.serveReady(dispatcher);
        assertEquals(1, served.size());
        assertEquals(0, blocking.blockedClients());
    }

    @Test
    void claimedWaiterIsNotServed() {
        List<Reply> served = new ArrayList<>();
        byte[][] pop = argv("blpop", "q", "1");
        BlockingKeys.Waiter w = blocking.block(session, pop, (Blocked) run("blpop", "q", "1"), served::add);
        blocking.serveReady(dispatcher);
        assertTrue(w.claim()); // a timeout takes it
        blocking.unblock(w);
        run("rpush", "q", "x");
        blocking.serveReady(dispatcher);
        assertEquals(List.of(), served);
        assertEquals(List.of("x"), range("q"));
    }

    @Test
    void timeoutParsing() {
        assertEquals(50, ListCommands.timeout("0.05".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, ListCommands.timeout("1e-10".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, ListCommands.timeout("-1e-10".getBytes(StandardCharsets.US_ASCII)));
        assertSame(NullReply.ARRAY, run("lpop", "nokey", "2"));
    }

    private static String text(Reply r) {
        List<? extends Reply> items = assertInstanceOf(ArrayReply.class, r).items();
        return new String(((BulkReply) items.get(1)).value(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void binaryValuesSurvive() {
        byte[][] a = {"rpush".getBytes(), "b".getBytes(), {0, (byte) 0xff, '\r', '\n'}};
        dispatcher.dispatch(session, a);
        assertArrayEquals(a[2], ((BulkReply) run("lindex", "b", "0")).value());
    }
}
