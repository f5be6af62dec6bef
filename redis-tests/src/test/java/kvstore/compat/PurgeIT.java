package kvstore.compat;

import kvstore.storage.LsmEngine;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tombstones on a ring are purged by compaction only once anti-entropy has confirmed their slot in
 * step with every replica after the grace period: a delete confirmed that way goes from every node's
 * disk and nothing brings the key back; a delete made after the last confirmation stays.
 */
class PurgeIT {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aConfirmedDeleteIsPurgedEverywhereAndAnUnconfirmedOneStays() throws Exception {
        try (LocalRing ring = LocalRing.start(new String[] {"", "", ""}, "--replication-factor", "3",
                "--read-quorum", "2", "--write-quorum", "2", "--gossip-interval", "50", "--purge-grace-period", "0",
                "--hint-max-age", "1", "--anti-entropy-interval", "0").awaitAllUp();
             RespConnection a = new RespConnection(ring.port("n1"))) {
            assertEquals("OK", a.call("CONSISTENCY", "ALL").text());
            assertEquals("OK", a.call("SET", "gone", "v").text());
            assertEquals("OK", a.call("SET", "kept", "v").text());
            assertEquals("OK", a.call("SET", "late", "v").text());
            assertEquals("1", a.call("DEL", "gone").text());
            long deletedAt = System.currentTimeMillis();
            // the horizon is max(purge-grace-period, hint-max-age) = 1 s after the delete
            LocalRing.await("the purge horizon to pass", 5_000, () -> System.currentTimeMillis() > deletedAt + 1_100);
            for (String n : ring.names) {
                try (RespConnection c = new RespConnection(ring.port(n))) {
                    assertTrue(c.call("RING", "REPAIR").text().startsWith("slots compared"));
                }
            }
            assertEquals("1", a.call("DEL", "late").text()); // after the confirmation: not purgeable yet
            for (String n : ring.names) {
                ((LsmEngine) ring.node(n).engine()).compactAll();
            }
            for (String n : ring.names) {
                var replica = ring.node(n).cluster().replica();
                assertNull(replica.read(0, b("gone")), "the confirmed delete is gone from " + n);
                assertNotNull(replica.read(0, b("late")), "the later delete stays on " + n);
                assertNotNull(replica.read(0, b("kept")), n);
            }
            for (String n : ring.names) {
                try (RespConnection c = new RespConnection(ring.port(n))) {
                    assertTrue(c.call("RING", "REPAIR").text().contains("entries repaired: 0"));
                    assertEquals(-1, c.call("GET", "gone").length());
                    assertEquals(-1, c.call("GET", "late").length());
                    assertEquals("v", c.call("GET", "kept").text());
                }
            }
        }
    }
}
