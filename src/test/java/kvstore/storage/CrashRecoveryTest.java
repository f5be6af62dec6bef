package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a writer process with SIGKILL at a random moment, reopens its directory, and checks that every
 * acknowledged write (appendfsync always) survived; several cycles on the same directory.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Random random = new Random();
        Map<String, String> mustHave = new HashMap<>();
        Set<String> mustNotHave = new HashSet<>();
        int totalAcks = 0;
        for (int cycle = 0; cycle < 5; cycle++) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    CrashWriter.class.getName(), dir.toString(), String.valueOf(cycle), "4")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ConcurrentLinkedQueue<String> acks = new ConcurrentLinkedQueue<>();
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.equals("ready")) {
                            ready.countDown();
                        } else if (line.startsWith("put ") || line.startsWith("del ")) {
                            acks.add(line); // a cut-off last line never matches a whole key below
                        }
                    }
                } catch (java.io.IOException e) {
                    // process killed
                }
            });
            reader.start();
            assertTrue(ready.await(20, TimeUnit.SECONDS), "writer did not start");
            Thread.sleep(200 + random.nextInt(1200));
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
            int n = 0;
            for (String line : acks) {
                String key = line.substring(4);
                String[] parts = key.split("-");
                if (parts.length != 3 || !parts[2].chars().allMatch(Character::isDigit) || parts[2].isEmpty()) {
                    continue;
                }
                n++;
                if (line.startsWith("put ")) {
                    if (!mustNotHave.contains(key)) {
                        mustHave.put(key, "v" + parts[2]);
                    }
                } else {
                    mustHave.remove(key);
                    mustNotHave.add(key);
                }
            }
            totalAcks += n;
            // a put acknowledged whose remove was issued but not acknowledged may go either way
            for (String line : acks) {
                String key = line.substring(4);
                String[] parts = key.split("-");
                if (parts.length == 3 && !parts[2].isEmpty() && parts[2].chars().allMatch(Character::isDigit)) {
                    int i = Integer.parseInt(parts[2]);
                    if ((i + 5) % 7 == 0 && !mustNotHave.contains(key) && acks.contains("put " + parts[0] + "-" + parts[1] + "-" + (i + 5))) {
                        mustHave.remove(key);
                    }
                }
            }
            try (LsmEngine e = new LsmEngine(dir, TestData.small().withFsync(FsyncPolicy.ALWAYS))) {
                for (Map.Entry<String, String> en : mustHave.entrySet()) {
                    assertEquals(en.getValue(), value(e.get(b(en.getKey()))), "cycle " + cycle + " key " + en.getKey());
                }
                for (String k : mustNotHave) {
                    assertNull(e.get(b(k)), "cycle " + cycle + " deleted key " + k);
                }
            }
        }
        assertTrue(totalAcks > 100, "too few acknowledged writes to mean anything: " + totalAcks);
        assertTrue(!mustHave.isEmpty() && !List.copyOf(mustNotHave).isEmpty());
    }
}
