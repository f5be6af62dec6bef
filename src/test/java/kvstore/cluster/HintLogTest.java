package kvstore.cluster;

import kvstore.version.SiblingSet;
import kvstore.version.VersionVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HintLogTest {
    @TempDir
    Path dir;

    private static SiblingSet set(String v) {
        return SiblingSet.write(null, VersionVector.EMPTY, 1, 1, 0, (byte) 0, v.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acknowledgedHintsStayAcknowledgedAcrossARestartAndTheFilesGoWhenAllAre() throws Exception {
        try (HintLog log = new HintLog(dir, "n2")) {
            for (int i = 0; i < 5; i++) {
                log.append(("k" + i).getBytes(), set("v" + i), 1000);
            }
            List<HintLog.Hint> first = log.next(2, Long.MAX_VALUE);
            assertEquals("k1", new String(first.get(1).sk()));
            log.acknowledge(first.get(1).end(), 2);
        }
        try (HintLog log = new HintLog(dir, "n2")) {
            assertEquals(3, log.pending());
            List<HintLog.Hint> rest = log.next(10, Long.MAX_VALUE);
            assertEquals(3, rest.size());
            assertEquals("k2", new String(rest.get(0).sk()));
            log.rewind(); // a failed delivery hands the same hints out again
            assertEquals(3, log.next(10, Long.MAX_VALUE).size());
            log.acknowledge(rest.get(2).end(), 3);
            assertEquals(0, log.pending());
        }
        assertFalse(Files.exists(dir.resolve("n2.hints")));
        assertFalse(Files.exists(dir.resolve("n2.delivered")));
    }

    @Test
    void aTornOrCorruptTailIsCutAndTheRecordsBeforeItStand() throws Exception {
        try (HintLog log = new HintLog(dir, "n3")) {
            log.append("a".getBytes(), set("1"), 1000);
            log.append("b".getBytes(), set("2"), 1000);
        }
        Path file = dir.resolve("n3.hints");
        long size = Files.size(file);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(size - 3); // a crash in the middle of the second append
        }
        try (HintLog log = new HintLog(dir, "n3")) {
            assertEquals(1, log.pending());
            assertEquals("a", new String(log.next(10, Long.MAX_VALUE).get(0).sk()));
            log.append("c".getBytes(), set("3"), 1000);
            assertEquals(2, log.pending());
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 2] ^= 0x40; // a flipped bit in the last record
        Files.write(file, bytes);
        try (HintLog log = new HintLog(dir, "n3")) {
            assertEquals(1, log.pending());
        }
    }
}
