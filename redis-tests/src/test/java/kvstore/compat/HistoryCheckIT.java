package kvstore.compat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A history checker: clients on every node of a 3-node ring (N=3, W=1) write and delete while a
 * fault thread cuts and heals links at random (seeded); every operation is recorded with its
 * acknowledgement. After healing, hint delivery and anti-entropy, every key's siblings (read at R=3)
 * must show: the last acknowledged write of each client, unless another client's acknowledged write
 * came later (and may have seen it); none of a client's own earlier, superseded writes; no value
 * nobody wrote; and a key whose last acknowledged operation was a delete by its only writer stays
 * deleted.
 */
class HistoryCheckIT {
    private static final int CLIENTS = 3;
    private static final int OWN_KEYS = 15;
    private static final int SHARED_KEYS = 5;

    /** One acknowledged operation: a SET of {@code value}, or a delete (value null), in real time order. */
    private record Op(int client, String key, String value, long ackedAt) {
    }

    @Test
    void acknowledgedWritesSurvivePartitionsAndDeletesStayDeleted() throws Exception {
        try (LocalRing ring = LocalRing.start(new String[] {"", "", ""}, "--replication-factor", "3",
                "--read-quorum", "1", "--write-quorum", "1", "--cluster-request-timeout", "200",
                "--gossip-interval", "50", "--anti-entropy-interval", "0").awaitAllUp()) {
            List<List<Op>> histories = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                List<Op> history = new ArrayList<>();
                histories.add(history);
                int client = c;
                Thread t = new Thread(() -> {
                    Random rnd = new Random(100 + client);
                    try (RespConnection conn = new RespConnection(ring.port(ring.names.get(client)))) {
                        for (int seq = 0; !stop.get(); seq++) {
                            boolean shared = rnd.nextInt(4) == 0;
                            String key = shared ? "shared:" + rnd.nextInt(SHARED_KEYS)
                                    : "c" + client + ":" + rnd.nextInt(OWN_KEYS);
                            boolean delete = rnd.nextInt(10) < 3;
                            String value = "c" + client + "-" + seq;
                            RespValue r = delete ? conn.call("DEL", key) : conn.call("SET", key, value);
                            if (r.type() == '-') {
                                errors.add(key + " " + r.text()); // not acknowledged: may or may not be there
                            } else {
                                history.add(new Op(client, key, delete ? null : value, System.nanoTime()));
                            }
                        }
                    } catch (IOException e) {
                        errors.add(e.toString());
                    }
                });
                clients.add(t);
                t.start();
            }
            Random faults = new Random(42);
            for (int i = 0; i < 30; i++) {
                String a = ring.names.get(faults.nextInt(3));
                String b = ring.names.get(faults.nextInt(3));
                if (!a.equals(b)) {
                    if (faults.nextBoolean()) {
                        ring.cut(a, b);
                    } else {
                        ring.heal(a, b);
                    }
                }
                Thread.sleep(100);
            }
            for (String a : ring.names) {
                for (String b : ring.names) {
                    if (!a.equals(b)) {
                        ring.heal(a, b);
                    }
                }
            }
            stop.set(true);
            for (Thread t : clients) {
                t.join(10_000);
            }
            assertEquals(List.of(), errors, "W=1 on a live coordinator never fails");
            ring.awaitAllUp();
            for (String n : ring.names) {
                try (RespConnection c = new RespConnection(ring.port(n))) {
                    LocalRing.await(n + "'s hints to drain", 20_000, () -> pendingHints(c) == 0);
                    RespValue r = c.call("RING", "REPAIR");
                    assertEquals('$', (char) r.type(), r.toString());
                }
            }
            check(ring, histories);
        }
    }

    private static long pendingHints(RespConnection c) {
        try {
            for (String line : c.call("INFO", "cluster").text().split("\r\n")) {
                if (line.startsWith("ring_hints_pending:")) {
                    return Long.parseLong(line.substring("ring_hints_pending:".length()));
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return -1;
    }

    private static void check(LocalRing ring, List<List<Op>> histories) throws IOException {
        Map<String, List<Op>> byKey = new HashMap<>();
        int ops = 0;
        for (List<Op> h : histories) {
            for (Op op : h) {
                byKey.computeIfAbsent(op.key, k -> new ArrayList<>()).add(op);
                ops++;
            }
        }
        assertTrue(ops > 300, "only " + ops + " operations ran");
        try (RespConnection c = new RespConnection(ring.port("n1"))) {
            assertEquals("OK", c.call("CONSISTENCY", "ALL").text());
            for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
                String key = e.getKey();
                List<Op> ops2 = e.getValue();
                ops2.sort((x, y) -> Long.compare(x.ackedAt, y.ackedAt));
                Set<String> siblings = new HashSet<>();
                RespValue sib = c.call("SIBLINGS", key);
                for (RespValue v : sib.children().subList(1, sib.children().size())) {
                    if (v.length() >= 0) {
                        siblings.add(v.text());
                    }
                }
                Set<String> written = new HashSet<>();
                for (Op op : ops2) {
                    if (op.value != null) {
                        written.add(op.value);
                    }
                }
                for (String s : siblings) {
                    assertTrue(written.contains(s), key + ": " + s + " was never written");
                }
                for (int client = 0; client < CLIENTS; client++) {
                    Op last = null;
                    for (Op op : ops2) {
                        if (op.client == client) {
                            if (last != null && last.value != null) {
                                assertTrue(!siblings.contains(last.value),
                                        key + ": " + last.value + " came back though its writer overwrote it");
                            }
                            last = op;
                        }
                    }
                    if (last == null || last.value == null) {
                        continue;
                    }
                    Op mine = last;
                    boolean laterByOthers = ops2.stream().anyMatch(op -> op.client != mine.client && op.ackedAt > mine.ackedAt);
                    assertTrue(siblings.contains(last.value) || laterByOthers,
                            key + ": the last acknowledged write " + last.value + " is lost; siblings " + siblings);
                }
                Op lastOp = ops2.get(ops2.size() - 1);
                boolean onlyOneWriter = ops2.stream().allMatch(op -> op.client == lastOp.client);
                if (lastOp.value == null && onlyOneWriter) {
                    assertTrue(siblings.isEmpty(), key + " was deleted last but has " + siblings);
                }
            }
        }
    }
}
