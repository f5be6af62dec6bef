package kvstore.storage;

import kvstore.version.SiblingSetCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Leveled compaction on one thread. Level 0 holds flushed memtables (overlapping, newest first); when
 * it has {@code level0Trigger} tables they are merged with the overlapping level-1 tables into level 1.
 * Level i >= 1 has a byte target (level1Bytes * multiplier^(i-1)); the level furthest over its target
 * gives one table (round-robin through the key space) which is merged with the overlapping tables of
 * level i+1. Output is cut into tables of about {@code targetTableSize}.
 *
 * <p>Merge rules: for each key the newest entry wins (level 0 newest first, then the next level).
 * An engine tombstone is dropped only when no deeper level holds a table whose range covers the key
 * (nothing older can be resurrected); otherwise it is kept. A value the {@link PurgePolicy} allows to
 * drop is dropped under the same condition, and otherwise replaced by an engine tombstone so that an
 * older value below cannot come back. Writes go through the engine's {@link RateLimiter}.
 */
final class Compactor {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    private final LsmEngine engine;
    private final LsmOptions options;
    private final byte[][] pointers;
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong compactedBytes = new AtomicLong();
    private volatile CompletableFuture<Void> manual;
    private volatile boolean busy;
    private volatile boolean stopped;

    Compactor(LsmEngine engine) {
        this.engine = engine;
        this.options = engine.options();
        this.pointers = new byte[options.levels()][];
    }

    /** One unit of work: inputs newest first, all going to {@code outputLevel}. */
    record Job(List<SSTable> inputs, int outputLevel) {
    }

    long compactions() {
        return compactions.get();
    }

    long compactedBytes() {
        return compactedBytes.get();
    }

    void stop() {
        stopped = true;
    }

    long levelTarget(int level) {
        long t = options.level1Bytes();
        for (int i = 1; i < level; i++) {
            t *= options.levelMultiplier();
        }
        return t;
    }

    long pendingBytes(TableSet s) {
        long pending = 0;
        if (s.levels.get(0).size() >= options.level0Trigger()) {
            pending += TableSet.bytes(s.levels.get(0));
        }
        for (int l = 1; l < s.levels.size() - 1; l++) {
            pending += Math.max(0, TableSet.bytes(s.levels.get(l)) - levelTarget(l));
        }
        return pending;
    }

    void run() {
        while (!stopped) {
            CompletableFuture<Void> request = manual;
            Throwable failure = null;
            boolean idle = false;
            TableSet s = engine.retainCurrent();
            try {
                Job job = request != null ? fullJob(s) : pick(s);
                if (job == null) {
                    idle = true;
                } else {
                    busy = true;
                    if (!job.inputs().isEmpty()) {
                        compact(job, s);
                    }
                }
            } catch (RuntimeException | IOException e) {
                failure = e;
            } finally {
                // released before a waiter is told, so the replaced tables are already gone from disk
                s.release();
            }
            if (request != null) {
                manual = null;
                if (failure == null) {
                    request.complete(null);
                } else {
                    request.completeExceptionally(failure);
                }
            }
            try {
                if (failure != null) {
                    if (stopped) {
                        return;
                    }
                    log.error("compaction failed; retrying in 1s", failure);
                    Thread.sleep(1000);
                } else if (idle) {
                    busy = false;
                    synchronized (engine.signal()) {
                        engine.signal().notifyAll();
                        if (!stopped && manual == null) {
                            engine.signal().wait(1000);
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
        CompletableFuture<Void> request = manual;
        if (request != null) {
            request.completeExceptionally(new IllegalStateException("engine closing"));
        }
    }

    void compactAllAndWait() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (engine.signal()) {
            while (manual != null) {
                try {
                    engine.signal().wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            manual = f;
            engine.signal().notifyAll();
        }
        f.join();
    }

    void awaitIdle() {
        synchronized (engine.signal()) {
            while (!stopped) {
                TableSet s = engine.retainCurrent();
                boolean idle;
                try {
                    idle = !busy && manual == null && pick(s) == null && s.frozen.isEmpty();
                } finally {
                    s.release();
                }
                if (idle) {
                    return;
                }
                try {
                    engine.signal().wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Job fullJob(TableSet s) {
        List<SSTable> all = new ArrayList<>();
        for (List<SSTable> l : s.levels) {
            all.addAll(l);
        }
        return new Job(all, s.levels.size() - 1);
    }

    /** The most urgent job, or null if every level is within its target. */
    Job pick(TableSet s) {
        double best = 1.0;
        int level = -1;
        double l0 = (double) s.levels.get(0).size() / options.level0Trigger();
        if (l0 >= best) {
            best = l0;
            level = 0;
        }
        for (int l = 1; l < s.levels.size() - 1; l++) {
            double score = (double) TableSet.bytes(s.levels.get(l)) / levelTarget(l);
            if (score > best) {
                best = score;
                level = l;
            }
        }
        if (level < 0) {
            return null;
        }
        List<SSTable> inputs = new ArrayList<>();
        byte[] lo;
        byte[] hi;
        if (level == 0) {
            inputs.addAll(s.levels.get(0));
            lo = null;
            hi = null;
            for (SSTable t : inputs) {
                if (t.isEmpty()) {
                    continue;
                }
                lo = lo == null || Arrays.compareUnsigned(t.firstKey(), lo) < 0 ? t.firstKey() : lo;
                hi = hi == null || Arrays.compareUnsigned(t.lastKey(), hi) > 0 ? t.lastKey() : hi;
            }
        } else {
            List<SSTable> tables = s.levels.get(level);
            SSTable chosen = tables.get(0);
            byte[] after = pointers[level];
            if (after != null) {
                for (SSTable t : tables) {
                    if (Arrays.compareUnsigned(t.firstKey(), after) > 0) {
                        chosen = t;
                        break;
                    }
                }
            }
            pointers[level] = chosen.lastKey();
            inputs.add(chosen);
            lo = chosen.firstKey();
            hi = chosen.lastKey();
        }
        if (lo != null) {
            for (SSTable t : s.levels.get(level + 1)) {
                if (t.overlaps(lo, hi)) {
                    inputs.add(t);
                }
            }
        }
        return new Job(inputs, level + 1);
    }

    /** True if a level deeper than {@code level} may hold an older entry for {@code key}. */
    private static boolean olderMayExist(TableSet s, int level, byte[] key) {
        for (int l = level + 1; l < s.levels.size(); l++) {
            if (LsmEngine.find(s.levels.get(l), key) != null) {
                return true;
            }
        }
        return false;
    }

    private void compact(Job job, TableSet s) throws IOException {
        List<InternalIterator> sources = new ArrayList<>(job.inputs().size());
        for (SSTable t : job.inputs()) {
            sources.add(t.iterator(null));
        }
        MergingIterator it = new MergingIterator(sources);
        PurgePolicy purge = options.purgePolicy();
        List<SSTable> outputs = new ArrayList<>();
        TableWriter w = null;
        long number = -1;
        long written = 0;
        boolean ok = false;
        try {
            for (; it.valid(); it.next()) {
                if (stopped) {
                    throw new IOException("compaction stopped: engine closing");
                }
                byte[] key = it.key();
                byte[] value = it.value();
                boolean tombstone = InternalIterator.isTombstone(value);
                if (!tombstone && purge != PurgePolicy.NEVER && !SiblingSetCodec.holdsLastingValue(value)
                        && purge.canPurge(key, SiblingSetCodec.decode(value))) {
                    value = InternalIterator.TOMBSTONE;
                    tombstone = true;
                }
                if (tombstone && !olderMayExist(s, job.outputLevel(), key)) {
                    continue;
                }
                if (w == null) {
                    number = engine.newFileNumber();
                    w = new TableWriter(TableWriter.tablePath(engine.dir(), number), options.blockSize(),
                            options.bloomBitsPerKey(), engine.limiter());
                }
                w.add(key, value);
                if (w.bytesWritten() >= options.targetTableSize()) {
                    written += w.finish();
                    w = null;
                    outputs.add(SSTable.open(TableWriter.tablePath(engine.dir(), number), number));
                }
            }
            if (w != null) {
                written += w.finish();
                w = null;
                outputs.add(SSTable.open(TableWriter.tablePath(engine.dir(), number), number));
            }
            engine.install(job.inputs(), outputs, job.outputLevel());
            ok = true;
        } finally {
            if (w != null) {
                w.close();
            }
            for (SSTable t : outputs) {
                if (!ok) {
                    t.markObsolete();
                }
                t.release();
            }
        }
        compactions.incrementAndGet();
        compactedBytes.addAndGet(written);
        log.debug("compacted {} tables into {} at level {} ({} bytes)", job.inputs().size(), outputs.size(),
                job.outputLevel(), written);
    }

}
