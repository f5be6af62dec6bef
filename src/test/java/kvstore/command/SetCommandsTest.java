package kvstore.command;

import kvstore.cluster.SingleNodeCoordinator;
import kvstore.config.Config;
import kvstore.metrics.ServerStats;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.storage.MemoryEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The set commands in-process through the dispatcher, over a one-node coordinator. */
class SetCommandsTest {
    private CommandDispatcher dispatcher;
    private final TestSession session = new TestSession();

    @BeforeEach
    void setUp() {
        SingleNodeCoordinator ks = new SingleNodeCoordinator(new MemoryEngine(), 1, 16);
        CommandContext ctx = new CommandContext(ks, new Config(), new ServerStats(), new Slowlog());
        dispatcher = new CommandDispatcher(Commands.create(ctx), ctx);
    }

    private Reply run(String... words) {
        byte[][] argv = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            argv[i] = words[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return dispatcher.dispatch(session, argv);
    }

    private static long integer(Reply r) {
        return assertInstanceOf(IntegerReply.class, r).value();
    }

    private static String str(Reply r) {
        return new String(assertInstanceOf(BulkReply.class, r).value(), StandardCharsets.ISO_8859_1);
    }

    private static List<String> strings(Reply r) {
        List<String> out = new ArrayList<>();
        for (Reply item : assertInstanceOf(ArrayReply.class, r).items()) {
            out.add(str(item));
        }
        return out;
    }

    private void addMany(String key, List<String> members) {
        for (int i = 0; i < members.size(); i += 500) {
            List<String> chunk = members.subList(i, Math.min(members.size(), i + 500));
            List<String> argv = new ArrayList<>(List.of("SADD", key));
            argv.addAll(chunk);
            run(argv.toArray(new String[0]));
        }
    }

    private static List<String> numbered(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @Test
    void elementMappingIsReversibleAndNeverEmpty() {
        byte[][] members = {{}, {0}, {0, 0}, {0, 1}, {1}, {'a'}, {(byte) 0xff}, {0, (byte) 0xff}};
        Set<String> elements = new HashSet<>();
        for (byte[] m : members) {
            byte[] e = SetCommands.element(m);
            assertTrue(e.length > 0, "the empty element is the key's own entry");
            assertArrayEquals(m, SetCommands.member(e));
            elements.add(Arrays.toString(e));
        }
        assertEquals(members.length, elements.size(), "distinct members, distinct elements");
    }

    @Test
    void emptyAndNulPrefixedMembersAreMembers() {
        assertEquals(3, integer(run("SADD", "s", "", "\0", "a")));
        assertEquals(1, integer(run("SISMEMBER", "s", "")));
        assertEquals(0, integer(run("SISMEMBER", "s", "\0\0")));
        assertEquals(Set.of("", "\0", "a"), new HashSet<>(strings(run("SMEMBERS", "s"))));
        assertEquals(2, integer(run("SREM", "s", "", "\0")));
        assertEquals(List.of("a"), strings(run("SMEMBERS", "s")));
    }

    /** Walks a whole SSCAN and counts how often each member came back, applying {@code between} per page. */
    private Map<String, Integer> scan(String key, int count, Runnable between) {
        Map<String, Integer> seen = new HashMap<>();
        String cursor = "0";
        int calls = 0;
        do {
            List<? extends Reply> page = assertInstanceOf(ArrayReply.class,
                    run("SSCAN", key, cursor, "COUNT", Integer.toString(count))).items();
            cursor = str(page.get(0));
            for (String m : strings(page.get(1))) {
                seen.merge(m, 1, Integer::sum);
            }
            between.run();
            assertTrue(++calls < 100_000, "scan does not end");
        } while (!cursor.equals("0"));
        return seen;
    }

    @Test
    void scanReturnsEachMemberOnceWhenNothingChanges() {
        List<String> members = numbered("member:", 3000);
        addMany("s", members);
        Map<String, Integer> seen = scan("s", 10, () -> { });
        assertEquals(new HashSet<>(members), seen.keySet());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "duplicates without changes");
    }

    @Test
    void scanPagesStaySmallWhenMembersShareLongPrefixes() {
        String prefix = "a-rather-long-shared-prefix-of-every-member:";
        addMany("s", numbered(prefix, 2000));
        String cursor = "0";
        int pages = 0;
        do {
            List<? extends Reply> page = assertInstanceOf(ArrayReply.class, run("SSCAN", "s", cursor, "COUNT", "10")).items();
            cursor = str(page.get(0));
            assertTrue(strings(page.get(1)).size() <= 20, "page too large: " + strings(page.get(1)).size());
            pages++;
        } while (!cursor.equals("0"));
        assertTrue(pages >= 100, "pages: " + pages);
    }

    @Test
    void scanSurvivesChangesAtTheFrontOfTheSet() {
        List<String> members = numbered("m", 2000);
        addMany("s", members);
        int[] step = {0};
        // every page adds a member smaller than all others and removes the previous one
        Map<String, Integer> seen = scan("s", 25, () -> {
            run("SREM", "s", "0-" + step[0]);
            run("SADD", "s", "0-" + ++step[0]);
        });
        assertTrue(seen.keySet().containsAll(members), "a member present throughout was skipped");
    }

    @Test
    void randomMembersOfALargeSetAreSpreadOut() {
        List<String> members = numbered("user:session:", 5000);
        addMany("s", members);
        Set<String> picks = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String m = str(run("SRANDMEMBER", "s"));
            assertTrue(members.contains(m), m);
            picks.add(m);
        }
        assertTrue(picks.size() > 800, "distinct picks: " + picks.size());
        List<String> distinct = strings(run("SRANDMEMBER", "s", "300"));
        assertEquals(300, new HashSet<>(distinct).size());
        assertEquals(4000, strings(run("SRANDMEMBER", "s", "-4000")).size());
    }

    @Test
    void spopTakesDistinctMembersOutOfLargeAndSmallSets() {
        for (int size : new int[] {100, 3000}) {
            String key = "s" + size;
            addMany(key, numbered("x", size));
            Set<String> all = new HashSet<>();
            for (int count : new int[] {1, size / 10, size / 2}) {
                List<String> popped = strings(run("SPOP", key, Integer.toString(count)));
                assertEquals(count, popped.size());
                assertTrue(all.addAll(popped), "popped twice");
            }
            assertEquals(size - all.size(), integer(run("SCARD", key)));
            for (String m : all) {
                assertEquals(0, integer(run("SISMEMBER", key, m)));
            }
        }
    }

    @Test
    void spopThatRebuildsChoosesTheEncodingAfresh() {
        addMany("h", numbered("", 600));
        assertEquals("hashtable", str(run("OBJECT", "ENCODING", "h")));
        run("SPOP", "h", "550");
        assertEquals(50, integer(run("SCARD", "h")));
        assertEquals("intset", str(run("OBJECT", "ENCODING", "h")));
    }

    @Test
    void storeIntoOneOfItsSources() {
        run("SADD", "a", "1", "2", "3");
        run("SADD", "b", "2", "3", "x");
        assertEquals(2, integer(run("SINTERSTORE", "a", "a", "b")));
        assertEquals(Set.of("2", "3"), new HashSet<>(strings(run("SMEMBERS", "a"))));
        assertEquals("intset", str(run("OBJECT", "ENCODING", "a")));
        assertEquals(3, integer(run("SUNIONSTORE", "b", "b", "a")));
        assertEquals(1, integer(run("SDIFFSTORE", "b", "b", "a")));
        assertEquals(List.of("x"), strings(run("SMEMBERS", "b")));
        assertEquals(0, integer(run("SDIFFSTORE", "b", "b", "b")));
        assertEquals(0, integer(run("EXISTS", "b")));
    }

    @Test
    void intersectionOfLargeSetsWalksTheSmallest() {
        addMany("big", numbered("", 20000));
        run("SADD", "small", "5", "19999", "20000", "nope");
        assertEquals(Set.of("5", "19999"), new HashSet<>(strings(run("SINTER", "big", "small"))));
        assertEquals(2, integer(run("SINTERCARD", "2", "small", "big")));
        assertEquals(1, integer(run("SINTERCARD", "2", "small", "big", "LIMIT", "1")));
        assertEquals(2, integer(run("SDIFFSTORE", "d", "small", "big")));
        assertFalse(strings(run("SMEMBERS", "d")).contains("5"));
    }

    @Test
    void picksFromASmallSetSeeEveryChangeMadeBetweenThem() {
        run("SADD", "s", "a");
        assertEquals("a", str(run("SRANDMEMBER", "s"))); // read and kept
        run("SREM", "s", "a");
        run("SADD", "s", "b");
        assertEquals("b", str(run("SRANDMEMBER", "s")));
        assertEquals("b", str(run("SPOP", "s")));
        // a set replaced by another of the same size between two picks
        run("SADD", "t", "x");
        assertEquals("x", str(run("SRANDMEMBER", "t")));
        run("DEL", "t");
        run("SADD", "t", "p");
        assertEquals("p", str(run("SPOP", "t")));
        // what one SPOP kept serves the next, without the member it took
        run("SADD", "u", "a", "b", "c");
        Set<String> popped = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            popped.add(str(run("SPOP", "u")));
        }
        assertEquals(Set.of("a", "b", "c"), popped);
    }

    @Test
    void spopDrainsASetWithEachMemberOnce() {
        Set<String> members = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            members.add("m" + i);
            run("SADD", "s", "m" + i);
        }
        Set<String> popped = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            assertTrue(popped.add(str(run("SPOP", "s"))));
            assertEquals(2999 - i, integer(run("SCARD", "s")));
        }
        assertEquals(members, popped);
    }
}
