package kvstore.metrics;

import org.HdrHistogram.ConcurrentHistogram;

import java.util.concurrent.atomic.LongAdder;

/** Per-command counters for INFO commandstats and latency percentiles for INFO latencystats. */
public final class CommandStats {
    private final LongAdder calls = new LongAdder();
    private final LongAdder micros = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile ConcurrentHistogram latency;

    /** Records one executed call that took {@code nanos}; {@code error} if it replied with an error. */
    public void record(long nanos, boolean error) {
        calls.increment();
        micros.add(nanos / 1000);
        if (error) {
            failed.increment();
        }
        histogram().recordValue(Math.max(1, nanos));
    }

    public void reject() {
        rejected.increment();
    }

    private ConcurrentHistogram histogram() {
        ConcurrentHistogram h = latency;
        if (h == null) {
            synchronized (this) {
                h = latency;
                if (h == null) {
                    h = new ConcurrentHistogram(1, 3_600_000_000_000L, 2);
                    latency = h;
                }
            }
        }
        return h;
    }

    public long calls() {
        return calls.sum();
    }

    public long micros() {
        return micros.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** Latency at {@code percentile} in microseconds; 0 if never called. */
    public double percentileMicros(double percentile) {
        ConcurrentHistogram h = latency;
        return h == null || h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    public void reset() {
        calls.reset();
        micros.reset();
        rejected.reset();
        failed.reset();
        ConcurrentHistogram h = latency;
        if (h != null) {
            h.reset();
        }
    }
}
