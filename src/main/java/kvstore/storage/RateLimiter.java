package kvstore.storage;

/** Keeps background writes under a byte rate by sleeping; 0 means unlimited. */
final class RateLimiter {
    private volatile long bytesPerSec;
    private volatile boolean cancelled;
    private long start = System.nanoTime();
    private long bytes;

    RateLimiter(long bytesPerSec) {
        this.bytesPerSec = bytesPerSec;
    }

    /** Stops throttling for good (engine closing: a compaction must not hold up close). */
    void cancel() {
        cancelled = true;
    }

    void setRate(long bytesPerSec) {
        this.bytesPerSec = bytesPerSec;
    }

    synchronized void acquire(long n) {
        long rate = bytesPerSec;
        if (rate <= 0 || cancelled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start > 1_000_000_000L) {
            // forget long idle stretches so that a burst after idling is still throttled
            start = now - 100_000_000L;
            bytes = rate / 10;
        }
        bytes += n;
        long dueNanos = (long) (bytes * 1e9 / rate);
        long sleep = dueNanos - (now - start);
        while (sleep > 0 && !cancelled) {
            long slice = Math.min(sleep, 50_000_000L);
            try {
                Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep -= slice;
        }
    }
}
