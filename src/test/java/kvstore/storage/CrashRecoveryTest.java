package kvstore.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path ackFile = Files.createTempFile("acks", ".txt");
            Process p = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    CrashWriter.class.getName(), dir.toString(), String.valueOf(cycle), "4", ackFile.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(ackFile, StandardCharsets.ISO_8859_1).startsWith("ready\n")) {
                assertTrue(System.nanoTime() < deadline && p.isAlive(), "writer did not start");
                Thread.sleep(10);
            }
            Thread.sleep(200 + random.nextInt(1200));
            p.destroyForcibly();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            List<String> acks = new ArrayList<>();
            String content = Files.readString(ackFile, StandardCharsets.ISO_8859_1);
            // only whole lines count: a line cut off by the kill was not fully acknowledged
            for (String line : content.substring(0, content.lastIndexOf('\n') + 1).split("\n")) {
                if (line.startsWith("put ") || line.startsWith("del ")) {
                    acks.add(line);
                }
            }
            Set<String> ackSet = new HashSet<>(acks);
            Files.delete(ackFile);
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
                    if ((i + 5) % 7 == 0 && !mustNotHave.contains(key) && ackSet.contains("put " + parts[0] + "-" + parts[1] + "-" + (i + 5))) {
                        mustHave.remove(key);
                    }
                }
            }
            try (LsmEngine e = new LsmEngine(dir, TestData.small().withFsync(FsyncPolicy.ALWAYS))) {
                for (Map.Entry<String, String> en : mustHave.entrySet()) {
                    String got = value(e.get(b(en.getKey())));
                    if (!en.getValue().equals(got)) {
                        System.out.println("LOST " + en.getKey() + " stats " + e.stats());
                        try (var files = java.nio.file.Files.list(dir)) {
                            files.forEach(f -> {
                                try {
                                    byte[] all = java.nio.file.Files.readAllBytes(f);
                                    System.out.println("  " + f.getFileName() + " " + all.length + " contains="
                                            + (TableTest.indexOf(all, b(en.getKey())) >= 0));
                                } catch (java.io.IOException ex) {
                                    throw new RuntimeException(ex);
                                }
                            });
                        }
                        try (var files = java.nio.file.Files.list(dir)) {
                            for (Path f : (Iterable<Path>) files::iterator) {
                                if (f.toString().endsWith(".log")) {
                                    CommitLog.replay(f, false, (op, k, v) -> {
                                        if (TestData.s(k).equals(en.getKey())) {
                                            System.out.println("  record in " + f.getFileName() + " op " + op);
                                        }
                                    });
                                }
                            }
                        }
                        List<String> mine = acks.stream().filter(a -> a.contains(en.getKey().substring(0, 6))).toList();
                        System.out.println("  acks tail " + mine.subList(Math.max(0, mine.size() - 12), mine.size()));
                        System.out.println("  manifest: " + java.nio.file.Files.readString(dir.resolve("MANIFEST")));
                    }
                    assertEquals(en.getValue(), got, "cycle " + cycle + " key " + en.getKey());
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
