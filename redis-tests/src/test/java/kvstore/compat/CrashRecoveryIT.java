package kvstore.compat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer pushes SETs and DELs through the RESP port while the server process is killed with
 * SIGKILL at a random moment; after each restart on the same data directory every acknowledged SET
 * is there and no acknowledged DEL has come back. With appendfsync always that holds for a lost
 * machine too; a killed process (the page cache survives it) must lose nothing under everysec either,
 * because the log reaches the OS before any reply leaves.
 */
class CrashRecoveryIT {
    private static final int CYCLES = 5;

    @ParameterizedTest
    @ValueSource(strings = {"always", "everysec"})
    void acknowledgedWritesSurviveSigkill(String fsync) throws Exception {
        Path dir = Files.createTempDirectory("kvstore-crash");
        int port = RedisServerProcess.freePort();
        Random rnd = new Random();
        List<Integer> acknowledgedSets = new ArrayList<>();
        List<Integer> acknowledgedDels = new ArrayList<>();
        int next = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            KvstoreProcess server = KvstoreProcess.start(dir, port, "--appendfsync", fsync);
            try {
                verify(server.port(), acknowledgedSets, acknowledgedDels, cycle);
                AtomicBoolean stop = new AtomicBoolean();
                long killAfterMs = 200 + rnd.nextInt(600);
                Thread killer = new Thread(() -> {
                    try {
                        Thread.sleep(killAfterMs);
                        server.kill();
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
                        String reply = c.call("SET", "k" + i, "v" + i).toString();
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
        KvstoreProcess last = KvstoreProcess.start(dir, port, "--appendfsync", fsync);
        try {
            verify(last.port(), acknowledgedSets, acknowledgedDels, CYCLES);
            assertTrue(acknowledgedSets.size() > 100, "the writer made too little progress to prove anything");
        } finally {
            last.close();
        }
    }

    private static void verify(int port, List<Integer> sets, List<Integer> dels, int cycle) throws IOException {
        try (RespConnection c = new RespConnection(port)) {
            for (int i : sets) {
                assertEquals("$" + ("v" + i).length() + "\\r\\nv" + i + "\\r\\n", c.call("GET", "k" + i).toString(),
                        "acknowledged SET of k" + i + " lost after restart " + cycle);
            }
            for (int i : dels) {
                assertEquals("$-1\\r\\n", c.call("GET", "k" + i).toString(),
                        "acknowledged DEL of k" + i + " undone after restart " + cycle);
            }
        }
    }
}
