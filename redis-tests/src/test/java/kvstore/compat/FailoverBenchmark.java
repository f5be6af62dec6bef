package kvstore.compat;

import org.HdrHistogram.Histogram;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The failure-handling figures of README.md, on local node processes (run by bin/kvstore-failover):
 * <ol>
 * <li>a 3-node ring (N=3, R=2, W=2, default gossip and detector settings) under a steady SET load from
 * 8 clients: one node is killed with SIGKILL; failed writes, p99 before and in the 10 s after the kill,
 * the time until a peer marks it down; then it restarts and the time until its hints drain;</li>
 * <li>with hints off: a node whose data directory was wiped is rebuilt by RING REPAIR from {@code keys}
 * keys; then 1% of the keys are written while one node is cut off (killed), and RING REPAIR's bytes are
 * compared with the data set.</li>
 * </ol>
 * Usage: FailoverBenchmark [keys]
 */
public final class FailoverBenchmark {
    private static final byte[] VALUE = "v".repeat(100).getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        killUnderLoad();
        rebuildAndDivergence(keys);
    }

    private static ProcessRing cluster(String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("--replication-factor", "3", "--read-quorum", "2",
                "--write-quorum", "2", "--loglevel", "warning"));
        a.addAll(List.of(extra));
        ProcessRing ring = new ProcessRing(3, a.toArray(new String[0]));
        try (RespConnection c = new RespConnection(ring.ports[0])) {
            ProcessRing.awaitUp(c, "n2", "n3");
        }
        return ring;
    }

    private static void killUnderLoad() throws Exception {
        try (ProcessRing cl = cluster()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong failed = new AtomicLong();
            AtomicLong ok = new AtomicLong();
            Histogram before = new Histogram(3);
            Histogram during = new Histogram(3);
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try (RespConnection c = new RespConnection(cl.ports[id % 2])) {
                        for (long i = 0; !stop.get(); i++) {
                            long t0 = System.nanoTime();
                            RespValue r = c.call("SET", "load:" + id + ":" + (i % 10_000), "x");
                            long t1 = System.nanoTime();
                            if (r.type() == '+') {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                            long k = killedAt.get();
                            Histogram h = t0 < k ? before : t0 < k + 10_000_000_000L ? during : null;
                            if (h != null) {
                                synchronized (h) {
                                    h.recordValue((t1 - t0) / 1000);
                                }
                            }
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                });
                clients.add(th);
                th.start();
            }
            Thread.sleep(5000);
            killedAt.set(System.nanoTime());
            cl.node(2).kill();
            long detected;
            try (RespConnection c = new RespConnection(cl.ports[0])) {
                LocalRing.await("n3 down", 120_000, () -> ProcessRing.peerState(c, "n3").equals("down"));
                detected = System.nanoTime();
                Thread.sleep(Math.max(0, 10_000 - (detected - killedAt.get()) / 1_000_000));
                long pending = hints(c);
                long restartAt = System.nanoTime();
                cl.restart(2);
                LocalRing.await("n3 up", 120_000, () -> ProcessRing.peerState(c, "n3").equals("up"));
                long upAt = System.nanoTime();
                stop.set(true);
                for (Thread th : clients) {
                    th.join();
                }
                try (RespConnection b = new RespConnection(cl.ports[1])) {
                    LocalRing.await("hints drained", 600_000, () -> hints(c) == 0 && hints(b) == 0);
                }
                long drained = System.nanoTime();
                System.out.printf("## Kill -9 of one of three nodes under load (8 clients, SET, N=3 R=2 W=2)%n");
                System.out.printf("| writes acknowledged | writes failed | p99 before ms | p99 in the 10 s after the kill ms "
                        + "| max after ms | detected after s | hints pending at restart | restart to up s | up to hints drained s |%n");
                System.out.printf("|---|---|---|---|---|---|---|---|---|%n");
                System.out.printf("| %d | %d | %.2f | %.2f | %.1f | %.1f | %d | %.1f | %.1f |%n", ok.get(), failed.get(),
                        before.getValueAtPercentile(99) / 1000.0, during.getValueAtPercentile(99) / 1000.0,
                        during.getMaxValue() / 1000.0, (detected - killedAt.get()) / 1e9, pending,
                        (upAt - restartAt) / 1e9, (drained - upAt) / 1e9);
            }
        }
    }

    private static void rebuildAndDivergence(int keys) throws Exception {
        try (ProcessRing cl = cluster("--hint-max-bytes", "0", "--anti-entropy-interval", "0")) {
            long loadStart = System.nanoTime();
            load(cl.ports[0], "key:", keys);
            double loadSecs = (System.nanoTime() - loadStart) / 1e9;
            cl.node(2).kill();
            cl.wipeData(2);
            cl.restart(2);
            String rebuild;
            long t0;
            long t1;
            try (RespConnection c = new RespConnection(cl.ports[2])) {
                ProcessRing.awaitUp(c, "n1", "n2");
                t0 = System.nanoTime();
                rebuild = c.call("RING", "REPAIR").text();
                t1 = System.nanoTime();
            }
            long dataBytes = (long) keys * (VALUE.length + 12);
            System.out.printf("%n## Anti-entropy (hints off), %d keys of %d-byte values, loaded in %.0f s%n", keys,
                    VALUE.length, loadSecs);
            System.out.printf("| case | RING REPAIR on the node | seconds | bytes exchanged | bytes / data set |%n|---|---|---|---|---|%n");
            System.out.printf("| data directory wiped | %s | %.1f | %d | %.2f |%n", rebuild, (t1 - t0) / 1e9,
                    bytesOf(rebuild), (double) bytesOf(rebuild) / dataBytes);
            // 1% divergence: n3 is down while 1% of the keys are overwritten
            cl.node(2).kill();
            load(cl.ports[0], "key:", keys / 100);
            cl.restart(2);
            try (RespConnection c = new RespConnection(cl.ports[2])) {
                ProcessRing.awaitUp(c, "n1", "n2");
                t0 = System.nanoTime();
                String diverged = c.call("RING", "REPAIR").text();
                t1 = System.nanoTime();
                System.out.printf("| 1%% of the keys missed | %s | %.1f | %d | %.4f |%n", diverged, (t1 - t0) / 1e9,
                        bytesOf(diverged), (double) bytesOf(diverged) / dataBytes);
            }
        }
    }

    /** SETs {@code prefix}0 .. n-1 through one node at the default W=2, pipelined 1000 deep. */
    private static void load(int port, String prefix, int n) throws IOException {
        try (RespConnection c = new RespConnection(port)) {
            for (int from = 0; from < n; from += 1000) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int to = Math.min(n, from + 1000);
                for (int i = from; i < to; i++) {
                    out.write(RespConnection.encode(List.of("SET".getBytes(), (prefix + i).getBytes(), VALUE)));
                }
                c.send(out.toByteArray());
                for (int i = from; i < to; i++) {
                    RespValue r = c.read();
                    if (r.type() != '+') {
                        throw new IOException("SET failed: " + r);
                    }
                }
            }
        }
    }

    private static long bytesOf(String summary) {
        return Long.parseLong(summary.substring(summary.lastIndexOf("bytes: ") + 7).trim());
    }

    private static long hints(RespConnection c) {
        return Long.parseLong(ProcessRing.infoField(c, "ring_hints_pending"));
    }
}
