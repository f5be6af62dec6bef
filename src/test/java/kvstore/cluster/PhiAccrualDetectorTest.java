package kvstore.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhiAccrualDetectorTest {
    private static final long MS = 1_000_000;

    @Test
    void phiGrowsWithSilenceInUnitsOfTheMeanInterval() {
        PhiAccrualDetector d = new PhiAccrualDetector(100 * MS, 0);
        long t = 0;
        for (int i = 0; i < 50; i++) {
            t += 100 * MS;
            d.heartbeat(t);
        }
        assertEquals(0, d.phi(t), 1e-9);
        // phi = t / mean * log10(e): one interval late is about 0.43, twenty about 8.7
        assertEquals(Math.log10(Math.E), d.phi(t + 100 * MS), 1e-9);
        assertTrue(d.phi(t + 2000 * MS) > 8);
        assertTrue(d.phi(t + 1500 * MS) < 8);
    }

    @Test
    void slowerHeartbeatsRaiseTheMeanAndTheToleratedSilence() {
        PhiAccrualDetector d = new PhiAccrualDetector(100 * MS, 0);
        long t = 0;
        for (int i = 0; i < 50; i++) {
            t += 400 * MS;
            d.heartbeat(t);
        }
        assertTrue(d.phi(t + 2000 * MS) < 8, "five slow intervals of silence are not yet a failure");
    }

    @Test
    void aPeerNeverHeardFromIsJudgedByTheExpectedInterval() {
        PhiAccrualDetector d = new PhiAccrualDetector(100 * MS, 0);
        assertTrue(d.phi(1000 * MS) < 8);
        assertTrue(d.phi(2000 * MS) > 8);
    }

    @Test
    void restartForgetsTheSilenceThisNodeCausedItself() {
        PhiAccrualDetector d = new PhiAccrualDetector(100 * MS, 0);
        d.heartbeat(100 * MS);
        assertTrue(d.phi(10_000 * MS) > 8);
        d.restart(10_000 * MS);
        assertEquals(0, d.phi(10_000 * MS), 1e-9);
    }
}
