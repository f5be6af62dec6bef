package kvstore.cluster;

import java.util.concurrent.TimeUnit;

/** Paces background transfers (hint delivery, anti-entropy) to a byte rate by sleeping. */
final class Throttle {
    private Throttle() {
    }

    /**
     * Sleeps until {@code sent} bytes since {@code startNanos} are within {@code bytesPerSecond}
     * (0: no limit).
     */
    static void pace(long startNanos, long sent, long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return;
        }
        long due = (long) (sent * 1e9 / bytesPerSecond) - (System.nanoTime() - startNanos);
        if (due > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(due);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
