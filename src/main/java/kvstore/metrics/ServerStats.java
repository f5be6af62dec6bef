package kvstore.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide counters for INFO stats. Recording is a LongAdder increment; the instantaneous rates
 * are sampled by {@link #sample} from the server's cron, as Redis samples them.
 */
public final class ServerStats {
    private final long startMillis = System.currentTimeMillis();
    private final LongAdder commands = new LongAdder();
    private final LongAdder connectionsReceived = new LongAdder();
    private final LongAdder rejectedConnections = new LongAdder();
    private final LongAdder keyspaceHits = new LongAdder();
    private final LongAdder keyspaceMisses = new LongAdder();
    private final LongAdder netInputBytes = new LongAdder();
    private final LongAdder netOutputBytes = new LongAdder();
    private final LongAdder errorReplies = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> errorsByCode = new ConcurrentHashMap<>();
    private final LongAdder dirty = new LongAdder();
    private volatile long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private volatile long saves;
    private volatile long lastSaveMillisTaken = -1;
    private final RateSampler opsRate = new RateSampler();
    private final RateSampler inputRate = new RateSampler();
    private final RateSampler outputRate = new RateSampler();

    public long startMillis() {
        return startMillis;
    }

    public void command() {
        commands.increment();
    }

    public void connectionReceived() {
        connectionsReceived.increment();
    }

    public void connectionRejected() {
        rejectedConnections.increment();
    }

    public void hit() {
        keyspaceHits.increment();
    }

    public void miss() {
        keyspaceMisses.increment();
    }

    public void netInput(long bytes) {
        netInputBytes.add(bytes);
    }

    public void netOutput(long bytes) {
        netOutputBytes.add(bytes);
    }

    /** Counts an error reply under its code, the first word of its text ("ERR", "WRONGTYPE"). */
    public void error(String text) {
        errorReplies.increment();
        int sp = text.indexOf(' ');
        String code = sp < 0 ? text : text.substring(0, sp);
        errorsByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    public long commands() {
        return commands.sum();
    }

    public long connectionsReceived() {
        return connectionsReceived.sum();
    }

    public long rejectedConnections() {
        return rejectedConnections.sum();
    }

    public long keyspaceHits() {
        return keyspaceHits.sum();
    }

    public long keyspaceMisses() {
        return keyspaceMisses.sum();
    }

    public long netInputBytes() {
        return netInputBytes.sum();
    }

    public long netOutputBytes() {
        return netOutputBytes.sum();
    }

    public long errorReplies() {
        return errorReplies.sum();
    }

    public ConcurrentHashMap<String, LongAdder> errorsByCode() {
        return errorsByCode;
    }

    /** Counts one write command (INFO's rdb_changes_since_last_save counts write commands since the last save). */
    public void dirty() {
        dirty.increment();
    }

    public long changesSinceLastSave() {
        return dirty.sum();
    }

    /** Records a completed SAVE/BGSAVE that took {@code millis}. */
    public synchronized void saved(long millis) {
        dirty.reset();
        lastSaveSeconds = System.currentTimeMillis() / 1000;
        lastSaveMillisTaken = millis;
        saves++;
    }

    /** Unix time of the last save, or of start-up when there was none (as Redis's LASTSAVE). */
    public long lastSaveSeconds() {
        return lastSaveSeconds;
    }

    public long saves() {
        return saves;
    }

    /** Seconds the last save took, -1 if there was none. */
    public long lastSaveSecondsTaken() {
        return lastSaveMillisTaken < 0 ? -1 : lastSaveMillisTaken / 1000;
    }

    /** Takes one sample of each rate; call about every 100 ms. */
    public void sample() {
        long now = System.nanoTime();
        opsRate.sample(now, commands.sum());
        inputRate.sample(now, netInputBytes.sum());
        outputRate.sample(now, netOutputBytes.sum());
    }

    public long instantaneousOpsPerSec() {
        return (long) opsRate.perSecond();
    }

    public double instantaneousInputKbps() {
        return inputRate.perSecond() / 1024;
    }

    public double instantaneousOutputKbps() {
        return outputRate.perSecond() / 1024;
    }

    /** Resets what CONFIG RESETSTAT resets. */
    public void reset() {
        commands.reset();
        connectionsReceived.reset();
        rejectedConnections.reset();
        keyspaceHits.reset();
        keyspaceMisses.reset();
        netInputBytes.reset();
        netOutputBytes.reset();
        errorReplies.reset();
        errorsByCode.clear();
    }

    /** A rate over the last 16 samples, as Redis's instantaneous metrics. */
    private static final class RateSampler {
        private static final int SAMPLES = 16;
        private final double[] rates = new double[SAMPLES];
        private int index;
        private long lastNanos;
        private long lastValue;

        synchronized void sample(long nanos, long value) {
            if (lastNanos != 0 && nanos > lastNanos) {
                rates[index++ % SAMPLES] = (value - lastValue) * 1e9 / (nanos - lastNanos);
            }
            lastNanos = nanos;
            lastValue = value;
        }

        synchronized double perSecond() {
            double sum = 0;
            for (double r : rates) {
                sum += r;
            }
            return sum / SAMPLES;
        }
    }
}
