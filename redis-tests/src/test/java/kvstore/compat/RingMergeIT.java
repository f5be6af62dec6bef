package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge rules of hashes, sets, sorted sets and lists on a ring: a 3-node ring (N=3) is split
 * into {n1} and {n2, n3} by the transport's fault injector, both sides change the same collections
 * at W=1, the link heals, and every node must then answer the merged result: adds from both sides,
 * add-wins over a concurrent remove, a delete that removes only what it saw, pushes from both sides
 * in one order, and the replicas themselves converged (each node's own copy, read at R=1).
 */
class RingMergeIT {

    private static String call(RespConnection c, String... args) throws IOException {
        RespValue v = c.call(args);
        assertTrue(v.type() != '-', String.join(" ", args) + " -> " + v.text());
        return v.type() == '*' ? "" : v.text();
    }

    private static List<String> items(RespConnection c, String... args) throws IOException {
        RespValue v = c.call(args);
        assertEquals('*', (char) v.type(), String.join(" ", args) + " -> " + v);
        List<String> out = new ArrayList<>();
        for (RespValue x : v.children()) {
            out.add(x.text());
        }
        return out;
    }

    private static Set<String> sorted(List<String> l) {
        return new TreeSet<>(l);
    }

    @Test
    void changesOnBothSidesOfAPartitionMerge() throws Exception {
        try (LocalRing ring = LocalRing.start(new String[] {"", "", ""}, "--replication-factor", "3",
                "--read-quorum", "2", "--write-quorum", "2", "--cluster-request-timeout", "300");
             RespConnection a = new RespConnection(ring.port("n1"));
             RespConnection b = new RespConnection(ring.port("n2"))) {
            call(a, "CONSISTENCY", "ALL");
            call(a, "HSET", "h", "f0", "v0", "f1", "v1");
            call(a, "SADD", "s", "a", "b");
            call(a, "ZADD", "z", "1", "a", "2", "b");
            call(a, "RPUSH", "l", "x", "y");
            call(a, "SADD", "gone", "p", "q");
            call(a, "SET", "hits", "10");
            call(a, "HSET", "stats", "views", "100");
            call(a, "SET", "price", "1.5");

            ring.cut("n1", "n2");
            ring.cut("n1", "n3");
            call(a, "CONSISTENCY", "ONE");
            call(b, "CONSISTENCY", "ONE");
            // side B: n2 (and n3), first, so that the removes on side A are the later writes
            call(b, "HSET", "h", "fb", "vb", "f0", "v0b");
            call(b, "SADD", "s", "d", "a");
            call(b, "ZADD", "z", "4", "d");
            call(b, "RPUSH", "l", "b1");
            call(b, "LSET", "l", "0", "xb"); // x, set on both sides: still one element
            call(b, "SADD", "gone", "r");
            call(b, "SADD", "clash", "m");
            call(b, "INCR", "hits");
            call(b, "INCRBY", "hits", "5");
            call(b, "HINCRBY", "stats", "views", "7");
            call(b, "ZINCRBY", "z", "10", "a");
            call(b, "INCRBYFLOAT", "price", "0.25");
            call(b, "INCR", "fresh");
            // side A: n1 alone; last-writer-wins would let its removes win, add-wins keeps the adds
            call(a, "HSET", "h", "fa", "va");
            call(a, "HDEL", "h", "f0");
            call(a, "SADD", "s", "c");
            call(a, "SREM", "s", "a");
            call(a, "ZADD", "z", "3", "c", "5", "b");
            call(a, "RPUSH", "l", "a1");
            call(a, "LPUSH", "l", "a0");
            call(a, "LSET", "l", "1", "xa");
            call(a, "DEL", "gone");
            call(a, "SET", "clash", "a-string");
            call(a, "INCR", "hits");
            call(a, "DECRBY", "hits", "3");
            call(a, "HINCRBY", "stats", "views", "-1");
            call(a, "ZINCRBY", "z", "100", "a");
            call(a, "INCRBYFLOAT", "price", "2");
            call(a, "INCR", "fresh");
            ring.heal("n1", "n2");
            ring.heal("n1", "n3");

            String firstList = null;
            for (String n : ring.names) {
                try (RespConnection c = new RespConnection(ring.port(n))) {
                    call(c, "CONSISTENCY", "ALL");
                    assertEquals(sorted(List.of("f0", "v0b", "f1", "v1", "fa", "va", "fb", "vb")),
                            sorted(items(c, "HGETALL", "h")), n);
                    assertEquals("4", call(c, "HLEN", "h"), n);
                    assertEquals("v0b", call(c, "HGET", "h", "f0"), n); // the update beat the concurrent HDEL
                    assertEquals(sorted(List.of("a", "b", "c", "d")), sorted(items(c, "SMEMBERS", "s")), n);
                    assertEquals("4", call(c, "SCARD", "s"), n);
                    assertEquals(List.of("c", "3", "d", "4", "b", "5", "a", "111"),
                            items(c, "ZRANGE", "z", "0", "-1", "WITHSCORES"), n); // a: 1 + 10 + 100
                    assertEquals("4", call(c, "ZCARD", "z"), n);
                    List<String> list = items(c, "LRANGE", "l", "0", "-1");
                    assertEquals(5, list.size(), n + " " + list);
                    assertEquals("a0", list.get(0), n);
                    assertTrue(Set.of("xa", "xb").contains(list.get(1)), n + " " + list);
                    assertEquals("y", list.get(2), n);
                    assertEquals(Set.of("a1", "b1"), Set.copyOf(list.subList(3, 5)), n);
                    assertEquals("5", call(c, "LLEN", "l"), n);
                    if (firstList == null) {
                        firstList = list.toString();
                    }
                    assertEquals(firstList, list.toString(), "the same order on every node");
                    assertEquals(List.of("r"), items(c, "SMEMBERS", "gone"), n); // DEL removed only p and q
                    assertEquals(3, c.call("SIBLINGS", "clash").children().size(), n); // context + 2 siblings
                    // counters: the increments of both sides add up
                    assertEquals("14", call(c, "GET", "hits"), n); // 10 + 1 + 5 + 1 - 3
                    assertEquals("106", call(c, "HGET", "stats", "views"), n); // 100 + 7 - 1
                    assertEquals("3.75", call(c, "GET", "price"), n); // 1.5 + 0.25 + 2
                    assertEquals("2", call(c, "GET", "fresh"), n);
                    assertEquals("string", call(c, "TYPE", "hits"), n);
                }
            }
            // the replicas converged: each node's own copy (R=1) answers the same
            String mergedList = firstList;
            for (String n : ring.names) {
                try (RespConnection c = new RespConnection(ring.port(n))) {
                    call(c, "CONSISTENCY", "ONE");
                    LocalRing.await(n + "'s own copy of the merged collections", 5000, () -> {
                        try {
                            return items(c, "ZRANGE", "z", "0", "-1", "WITHSCORES").size() == 8
                                    && "4".equals(call(c, "HLEN", "h"))
                                    && sorted(items(c, "HKEYS", "h")).equals(sorted(List.of("f0", "f1", "fa", "fb")))
                                    && sorted(items(c, "SMEMBERS", "s")).size() == 4
                                    && items(c, "LRANGE", "l", "0", "-1").toString().equals(mergedList)
                                    && "5".equals(call(c, "LLEN", "l"));
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                }
            }
        }
    }
}
