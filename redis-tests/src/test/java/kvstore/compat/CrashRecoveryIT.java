package kvstore.compat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer pushes SETs and DELs through the RESP port while the server process is killed with
 * SIGKILL at a random moment; after each restart on the same data directory every acknowledged SET
 * is there and no acknowledged DEL has come back. With appendfsync always that holds for a lost
 * machine too; a killed process (the page cache survives it) must lose nothing under everysec either,
 * because the log reaches the OS before any reply leaves.
 *
 * <p>The server runs with the smallest memtable (1 MB) and values of 1.5 KB, so that it
 * freezes and flushes a memtable every few hundred writes and compacts every few flushes: kills
 * land in the middle of flushes, compactions and manifest swaps too, not only between log records.
 * Each process is killed once it has flushed at least once (checked through INFO, waiting with a
 * bound), and the test fails if the killed processes did no compaction at all.
 */
class CrashRecoveryIT {
    private static final int CYCLES = 10;
    private static final String PADDING = "x".repeat(1500);

    @ParameterizedTest
    @ValueSource(strings = {"always", "everysec"})
    void acknowledgedWritesSurviveSigkill(String fsync) throws Exception {
        Path dir = Files.createTempDirectory("kvstore-crash");
        int port = RedisServerProcess.freePort();
        Random rnd = new Random();
        List<Integer> acknowledgedSets = new ArrayList<>();
        List<Integer> acknowledgedDels = new ArrayList<>();
        int next = 0;
        long[] engineWork = new long[2]; // flushes and compactions the killed processes had done
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            KvstoreProcess server = start(dir, port, fsync);
            try {
                verify(server.port(), acknowledgedSets, acknowledgedDels, cycle);
                AtomicBoolean stop = new AtomicBoolean();
                long killAfterMs = 200 + rnd.nextInt(600);
                Thread killer = new Thread(() -> {
                    try {
                        Thread.sleep(killAfterMs);
                        long deadline = System.nanoTime() + 10_000_000_000L;
                        long[] work;
                        while ((work = engineWork(server.port()))[0] == 0 && System.nanoTime() < deadline) {
                            Thread.sleep(10); // kill only after this process flushed once, however slow the disk
                        }
                        server.kill();
                        engineWork[0] += work[0];
                        engineWork[1] += work[1];
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    stop.set(true);
                });
                killer.start();
                Integer deleting = null;
                try (RespConnection c = new RespConnection(server.port())) {
                    while (!stop.get()) {
                        int i = next++;
                        String reply = c.call("SET", "k" + i, value(i)).toString();
                        if (!reply.equals("+OK\\r\\n")) {
                            break;
                        }
                        acknowledgedSets.add(i);
                        if (i % 7 == 0 && i > 0) {
                            deleting = acknowledgedSets.get(rnd.nextInt(acknowledgedSets.size()));
                            if (c.call("DEL", "k" + deleting).toString().startsWith(":")) {
                                acknowledgedSets.remove(deleting);
                                acknowledgedDels.add(deleting);
                            }
                            deleting = null;
                        }
                    }
                } catch (IOException killedMidRequest) {
                    // the request in flight was never acknowledged: a SET may or may not have happened
                    // (it is not checked), and so may a DEL, whose key is then checked no more
                    if (deleting != null) {
                        acknowledgedSets.remove(deleting);
                    }
                }
                killer.join();
            } finally {
                server.close();
            }
        }
        KvstoreProcess last = start(dir, port, fsync);
        try {
            verify(last.port(), acknowledgedSets, acknowledgedDels, CYCLES);
            assertTrue(acknowledgedSets.size() > 100, "the writer made too little progress to prove anything");
            System.out.printf("%s: %d SETs sent, %d flushes and %d compactions in the killed processes%n", fsync, next, engineWork[0], engineWork[1]);
            assertTrue(engineWork[0] >= CYCLES && engineWork[1] > 0,
                    "kills should have come amid flushes and compactions, but there were " + engineWork[0]
                            + " flushes and " + engineWork[1] + " compactions");
        } finally {
            last.close();
        }
    }

    private static KvstoreProcess start(Path dir, int port, String fsync) throws IOException, InterruptedException {
        return KvstoreProcess.start(dir, port, "--appendfsync", fsync, "--memtable-size", "1mb");
    }

    /** The server's flush and compaction counts so far (zeros if INFO failed). */
    private static long[] engineWork(int port) {
        long[] work = new long[2];
        try (RespConnection c = new RespConnection(port)) {
            for (String line : c.call("INFO", "persistence").text().split("\\r\\n")) {
                if (line.startsWith("kvstore_flushes:")) {
                    work[0] += Long.parseLong(line.substring(line.indexOf(':') + 1));
                } else if (line.startsWith("kvstore_compactions:")) {
                    work[1] += Long.parseLong(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // counting is best effort: a failed INFO must not stop the kill
        }
        return work;
    }

    private static String value(int i) {
        return "v" + i + PADDING;
    }

    /** Reads every key back, pipelined a chunk at a time. */
    private static void verify(int port, List<Integer> sets, List<Integer> dels, int cycle) throws IOException {
        try (RespConnection c = new RespConnection(port)) {
            expect(c, sets, i -> "$" + value(i).length() + "\\r\\n" + value(i) + "\\r\\n", "acknowledged SET of k%d lost after restart " + cycle);
            expect(c, dels, i -> "$-1\\r\\n", "acknowledged DEL of k%d undone after restart " + cycle);
        }
    }

    private static void expect(RespConnection c, List<Integer> keys, IntFunction<String> reply, String failure) throws IOException {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<Integer> chunk = keys.subList(from, Math.min(keys.size(), from + 1000));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i : chunk) {
                out.write(RespConnection.encode(List.of("GET".getBytes(StandardCharsets.UTF_8), ("k" + i).getBytes(StandardCharsets.UTF_8))));
            }
            c.send(out.toByteArray());
            for (int i : chunk) {
                assertEquals(reply.apply(i), c.read().toString(), String.format(failure, i));
            }
        }
    }
}
