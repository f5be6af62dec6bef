package kvstore.cluster;

import kvstore.transport.PeerTransport;
import kvstore.version.SiblingSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Hinted handoff: the writes a replica missed (it was down, or did not acknowledge in time) are kept
 * here as durable hints ({@link HintLog}, one per target under {@code <dir>/hints}) and handed to it
 * once the failure detector sees it up again: in order, as ordinary MERGE requests, a batch at a time
 * and throttled to {@code hint-throughput} bytes per second. A hint is deleted only after the target
 * acknowledged it; a failed batch is sent again later. Hints older than {@code hint-max-age} are
 * dropped at delivery (anti-entropy repairs what they would have), and a target's hints stop growing
 * at {@code hint-max-bytes} (further hints for it are dropped and counted).
 *
 * <p>This node may also be a fallback holding writes for another node's replica (sloppy quorum):
 * those hints are kept in memory as well, merged per key, so that reads during the outage that ask
 * this node see them ({@link #hinted}).
 */
final class HintedHandoff implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HintedHandoff.class);
    private static final int BATCH = 256;

    private final Path dir;
    private final PeerTransport transport;
    private final Predicate<String> isUp;
    private final Duration timeout;
    private final long maxBytes;
    private final long maxAgeMs;
    private final long bytesPerSecond;
    private final Map<String, HintLog> logs = new TreeMap<>();
    private final java.util.concurrent.ConcurrentSkipListMap<byte[], SiblingSet> held =
            new java.util.concurrent.ConcurrentSkipListMap<>(java.util.Arrays::compareUnsigned);
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();

    HintedHandoff(Path dir, PeerTransport transport, Predicate<String> isUp, Duration timeout, long maxBytes,
                  Duration maxAge, long bytesPerSecond) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.transport = transport;
        this.isUp = isUp;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.maxAgeMs = maxAge.toMillis();
        this.bytesPerSecond = bytesPerSecond;
        try (var files = Files.list(this.dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".hints")) {
                    String target = name.substring(0, name.length() - ".hints".length());
                    HintLog l = new HintLog(this.dir, target);
                    if (l.pending() > 0) {
                        log.info("{} hints for {} pending from before the restart", l.pending(), target);
                    }
                    logs.put(target, l);
                }
            }
        }
    }

    /** Delivers every {@code interval} on {@code timer} while anything is pending. */
    void start(ScheduledExecutorService timer, Duration interval) {
        timer.scheduleWithFixedDelay(this::deliverAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stores a hint of {@code set} for {@code target}; false if the target's hints are full. */
    boolean hint(String target, byte[] sk, SiblingSet set, boolean serveReads) {
        synchronized (this) {
            HintLog l = logs.get(target);
            try {
                if (l == null) {
                    l = new HintLog(dir, target);
                    logs.put(target, l);
                }
                if (l.pendingBytes() >= maxBytes) {
                    dropped.incrementAndGet();
                    return false;
                }
                l.append(sk, set, System.currentTimeMillis());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        stored.incrementAndGet();
        if (serveReads) {
            held.merge(sk, set, SiblingSet::merge);
        }
        return true;
    }

    /** What this node holds as a fallback for {@code sk}, or null. */
    SiblingSet hinted(byte[] sk) {
        return held.isEmpty() ? null : held.get(sk);
    }

    /** What this node holds as a fallback for the storage keys {@code from <= key < to}, in key order. */
    java.util.NavigableMap<byte[], SiblingSet> hinted(byte[] from, byte[] to) {
        return held.subMap(from, true, to, false);
    }

    /** Makes the hints appended so far durable. */
    synchronized void sync() {
        for (HintLog l : logs.values()) {
            l.sync();
        }
    }

    private void deliverAll() {
        try {
            sync();
            List<String> targets;
            synchronized (this) {
                targets = new ArrayList<>(logs.keySet());
            }
            for (String t : targets) {
                if (isUp.test(t)) {
                    deliver(t);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Hint delivery failed", e);
        }
    }

    /** Sends {@code target}'s hints, batch by batch, until none is left or a batch fails. */
    private void deliver(String target) {
        long start = System.nanoTime();
        long sent = 0;
        while (true) {
            List<HintLog.Hint> batch;
            HintLog l;
            synchronized (this) {
                l = logs.get(target);
                try {
                    batch = l == null ? List.of() : l.next(BATCH, 1 << 20);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            long now = System.currentTimeMillis();
            List<CompletableFuture<byte[]>> acks = new ArrayList<>(batch.size());
            for (HintLog.Hint h : batch) {
                if (now - h.writtenAt() > maxAgeMs) {
                    expired.incrementAndGet();
                    continue;
                }
                acks.add(transport.request(target, ReplicaMessages.MERGE, ReplicaMessages.merge(h.sk(), h.set()), timeout));
                sent += h.bytes();
            }
            boolean ok = true;
            for (CompletableFuture<byte[]> a : acks) {
                try {
                    a.get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    ok = false;
                }
            }
            synchronized (this) {
                if (!ok) {
                    l.rewind();
                    return; // again in the next round
                }
                try {
                    l.acknowledge(batch.get(batch.size() - 1).end(), batch.size());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            delivered.addAndGet(acks.size());
            for (HintLog.Hint h : batch) {
                held.computeIfPresent(h.sk(), (k, v) -> RingCoordinator.sameSet(v, h.set()) ? null : v);
            }
            Throttle.pace(start, sent, bytesPerSecond);
        }
    }

    /** Hints not yet acknowledged, over every target. */
    synchronized long pending() {
        long n = 0;
        for (HintLog l : logs.values()) {
            n += l.pending();
        }
        return n;
    }

    /** INFO cluster lines. */
    synchronized List<String> infoFields() {
        List<String> out = new ArrayList<>();
        long bytes = 0;
        for (HintLog l : logs.values()) {
            bytes += l.pendingBytes();
        }
        out.add("ring_hints_pending:" + pending());
        out.add("ring_hints_pending_bytes:" + bytes);
        out.add("ring_hints_stored:" + stored.get());
        out.add("ring_hints_delivered:" + delivered.get());
        out.add("ring_hints_dropped_full:" + dropped.get());
        out.add("ring_hints_dropped_expired:" + expired.get());
        for (Map.Entry<String, HintLog> e : logs.entrySet()) {
            if (e.getValue().pending() > 0) {
                out.add("ring_hints_for_" + e.getKey() + ":" + e.getValue().pending());
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        for (HintLog l : logs.values()) {
            try {
                l.close();
            } catch (IOException e) {
                log.warn("Closing a hint log failed", e);
            }
        }
    }
}
