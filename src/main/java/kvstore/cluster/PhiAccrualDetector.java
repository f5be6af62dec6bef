package kvstore.cluster;

/**
 * The phi accrual failure detector of one peer (Hayashibara et al., as Cassandra uses it): it keeps
 * the last {@link #WINDOW} intervals between the peer's heartbeats and answers, for the time since
 * the last one, phi = -log10(probability that a heartbeat comes even later). With exponentially
 * distributed intervals of mean m that is t / m * log10(e): phi 1 means a 10% chance the peer is
 * still alive and merely late, phi 8 one in 10^8. The caller compares phi with a threshold.
 *
 * <p>Until the first heartbeat arrives the mean is the expected interval, so a peer that never
 * answers is convicted after about threshold * interval / log10(e). Thread-safe.
 */
final class PhiAccrualDetector {
    static final int WINDOW = 1000;
    private static final double LOG10_E = Math.log10(Math.E);

    private final long[] intervals = new long[WINDOW];
    private final long expectedNanos;
    private int count;
    private int next;
    private long sum;
    private long last;

    /** {@code expectedNanos}: the heartbeat interval to assume before any was seen; {@code now}: the start. */
    PhiAccrualDetector(long expectedNanos, long now) {
        this.expectedNanos = expectedNanos;
        this.last = now;
    }

    /** A heartbeat of the peer arrived at {@code now} (System.nanoTime). */
    synchronized void heartbeat(long now) {
        long interval = now - last;
        last = now;
        if (interval <= 0) {
            return;
        }
        if (count == WINDOW) {
            sum -= intervals[next];
        } else {
            count++;
        }
        intervals[next] = interval;
        sum += interval;
        next = (next + 1) % WINDOW;
    }

    /** Forgets how long ago the last heartbeat came (this node itself was paused): it counts from now. */
    synchronized void restart(long now) {
        last = now;
    }

    synchronized double phi(long now) {
        double mean = count == 0 ? expectedNanos : Math.max((double) sum / count, expectedNanos / 2.0);
        return Math.max(0, now - last) / mean * LOG10_E;
    }
}
