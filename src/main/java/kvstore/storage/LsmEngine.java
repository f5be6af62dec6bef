package kvstore.storage;

import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;
import kvstore.version.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The log-structured merge engine: a commit log, a memtable, frozen memtables being flushed, and
 * levels of SSTables kept in shape by a background {@link Compactor}. See {@code package-info.java}
 * for the design and the reasons behind it.
 *
 * <p>Threads: callers (any number) for reads and writes; one commit-log thread for fsyncs; one flush
 * thread; one compaction thread. Writes are serialised through one lock (log append + memtable insert,
 * so the log order is the memtable order and a memtable switch lines up exactly with a log segment
 * switch); with {@code appendfsync always} the wait for the fsync happens outside that lock, so
 * concurrent writers share one fsync.
 */
public final class LsmEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(LsmEngine.class);
    private static final String LOCK = "LOCK";

    private final Path dir;
    private final LsmOptions options;
    private final Object writeLock = new Object();
    /** Guards publishing a new {@link TableSet} and writing the manifest. */
    private final Object stateLock = new Object();
    /** Wakes the flush and compaction threads and writers waiting for them. */
    private final Object signal = new Object();
    private final AtomicLong nextFile;
    private final CommitLog commitLog;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final RateLimiter limiter;
    private final Compactor compactor;
    private final Thread flushThread;
    private final Thread compactThread;
    private final AtomicLong writeStalls = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private volatile TableSet current;
    private volatile boolean closing;
    private volatile boolean closed;
    private volatile RuntimeException backgroundError;

    public LsmEngine(Path dir, LsmOptions options) {
        this.dir = dir;
        this.options = options;
        this.limiter = new RateLimiter(options.compactionBytesPerSec());
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by another engine in this JVM
            }
            fileLock = lock;
            if (fileLock == null) {
                lockChannel.close();
                throw new StorageException("engine directory " + dir + " is in use by another process");
            }
        } catch (IOException e) {
            throw new StorageException("cannot open engine directory " + dir + ": " + e, e);
        }
        long maxNumber;
        Memtable recovered;
        List<List<SSTable>> levels = new ArrayList<>();
        try {
            Manifest.State state = Manifest.read(dir, options.levels());
            long logStart = state == null ? 0 : state.logStart();
            Set<Long> listed = new HashSet<>();
            if (state != null) {
                for (List<Long> l : state.levels()) {
                    listed.addAll(l);
                }
            }
            maxNumber = logStart;
            TreeMap<Long, Path> segments = new TreeMap<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = p.getFileName().toString();
                    long table = TableWriter.tableNumber(name);
                    long seg = CommitLog.segmentNumber(name);
                    if (table >= 0) {
                        maxNumber = Math.max(maxNumber, table);
                        if (!listed.contains(table)) {
                            // written by a flush or compaction that crashed before the manifest named it
                            log.info("deleting table {} left over from an unfinished flush or compaction", p);
                            Files.delete(p);
                        }
                    } else if (seg >= 0) {
                        maxNumber = Math.max(maxNumber, seg);
                        if (seg < logStart) {
                            Files.delete(p);
                        } else {
                            segments.put(seg, p);
                        }
                    }
                }
            }
            for (int l = 0; l < options.levels(); l++) {
                levels.add(new ArrayList<>());
                if (state != null) {
                    for (long n : state.levels().get(l)) {
                        maxNumber = Math.max(maxNumber, n);
                        levels.get(l).add(SSTable.open(TableWriter.tablePath(dir, n), n));
                    }
                }
            }
            recovered = new Memtable(segments.isEmpty() ? maxNumber + 1 : segments.firstKey());
            replay(segments, recovered);
            nextFile = new AtomicLong(maxNumber + 1);
            commitLog = new CommitLog(dir, options.fsync(), options.segmentSize(), nextFile.getAndIncrement());
        } catch (IOException e) {
            closeQuietly(levels);
            throw new StorageException("cannot open engine in " + dir + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(levels);
            throw e;
        }
        current = new TableSet(recovered, List.of(), levels);
        for (List<SSTable> l : levels) {
            for (SSTable t : l) {
                t.release(); // the table set holds them now
            }
        }
        compactor = new Compactor(this);
        flushThread = new Thread(this::flushLoop, "kvstore-flush");
        flushThread.setDaemon(true);
        compactThread = new Thread(compactor::run, "kvstore-compaction");
        compactThread.setDaemon(true);
        flushThread.start();
        compactThread.start();
        if (recovered.bytes() >= options.memtableSize()) {
            synchronized (writeLock) {
                freezeLocked();
            }
        }
    }

    private void closeQuietly(List<List<SSTable>> levels) {
        for (List<SSTable> l : levels) {
            for (SSTable t : l) {
                t.release();
            }
        }
        try {
            fileLock.release();
            lockChannel.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    private void replay(TreeMap<Long, Path> segments, Memtable into) throws IOException {
        List<Path> files = new ArrayList<>(segments.values());
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            CommitLog.ReplayResult r = CommitLog.replay(f, options.skipCorruptLog(),
                    (op, key, value) -> into.put(key, op == CommitLog.OP_PUT ? value : InternalIterator.TOMBSTONE));
            if (r.tornTail()) {
                boolean laterData = false;
                for (int j = i + 1; j < files.size() && !laterData; j++) {
                    laterData = CommitLog.hasValidRecord(files.get(j));
                }
                if (laterData && !options.skipCorruptLog()) {
                    throw new LogCorruptionException(f, r.validBytes(),
                            "corrupt record followed by valid records in later segments");
                }
                log.warn("commit log {} has a torn or corrupt tail at offset {} ({} bytes); cutting it there",
                        f, r.validBytes(), Files.size(f) - r.validBytes());
                CommitLog.truncate(f, r.validBytes());
            }
        }
    }

    // ------------------------------------------------------------------ reads

    private TableSet acquire() {
        for (;;) {
            TableSet s = current;
            if (s.retain()) {
                return s;
            }
            if (closed) {
                throw new IllegalStateException("engine closed");
            }
        }
    }

    @Override
    public SiblingSet get(byte[] key) {
        return read(key, SiblingSetCodec::decode);
    }

    /** Decodes the winner only, since a plain read needs nothing else. */
    @Override
    public Version getWinner(byte[] key) {
        return read(key, SiblingSetCodec::decodeWinner);
    }

    private interface Decoder<T> {
        T decode(byte[] in, int offset, int length);
    }

    /**
     * Decodes what is stored for {@code key}, or null; from the active memtable straight out of the
     * cell's entry, without copying the value out first.
     */
    private <T> T read(byte[] key, Decoder<T> decoder) {
        long hash = BloomFilter.hash(key);
        Memtable active = current.active;
        MemCell cell = active.cell(key, hash);
        while (cell != null) {
            int stamp = cell.readBegin();
            byte[] e = cell.entry();
            if (e == null) {
                break;
            }
            int n = e.length - cell.keyLength;
            if (n == 0) {
                return null;
            }
            T value;
            try {
                value = decoder.decode(e, cell.keyLength, n);
            } catch (RuntimeException torn) { // bytes overwritten mid-decode, or really corrupt
                if (cell.readValid(stamp)) {
                    throw torn;
                }
                continue;
            }
            if (cell.readValid(stamp)) {
                return value;
            }
        }
        byte[] raw = getRaw(key, hash, cell == null ? active : null);
        return raw == null || InternalIterator.isTombstone(raw) ? null : decoder.decode(raw, 0, raw.length);
    }

    /** The newest raw entry for {@code key}: encoded value, TOMBSTONE, or null if no table has it. */
    byte[] getRaw(byte[] key) {
        return getRaw(key, BloomFilter.hash(key), null);
    }

    /**
     * As {@link #getRaw(byte[])}, with the key's {@link BloomFilter#hash} already computed;
     * {@code missed} is an active memtable the caller just found without the key (or null): if it is
     * still the active one it is not searched again. (A write of the key since then is one this read
     * may miss, as it would had it come a moment later.)
     */
    private byte[] getRaw(byte[] key, long hash, Memtable missed) {
        TableSet s = acquire();
        try {
            byte[] v = s.active == missed ? null : s.active.get(key, hash);
            if (v != null) {
                return v;
            }
            for (Memtable m : s.frozen) {
                v = m.get(key, hash);
                if (v != null) {
                    return v;
                }
            }
            for (SSTable t : s.levels.get(0)) {
                if (t.covers(key)) {
                    v = t.get(key, hash);
                    if (v != null) {
                        return v;
                    }
                }
            }
            for (int l = 1; l < s.levels.size(); l++) {
                SSTable t = find(s.levels.get(l), key);
                if (t != null) {
                    v = t.get(key, hash);
                    if (v != null) {
                        return v;
                    }
                }
            }
            return null;
        } finally {
            s.release();
        }
    }

    /** The table of a sorted, non-overlapping level whose range holds {@code key}, or null. */
    static SSTable find(List<SSTable> level, byte[] key) {
        int lo = 0;
        int hi = level.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            SSTable t = level.get(mid);
            if (Arrays.compareUnsigned(t.lastKey(), key) < 0) {
                lo = mid + 1;
            } else if (Arrays.compareUnsigned(t.firstKey(), key) > 0) {
                hi = mid - 1;
            } else {
                return t;
            }
        }
        return null;
    }

    @Override
    public EngineCursor range(byte[] from, byte[] to) {
        TableSet s = acquire();
        try {
            List<InternalIterator> sources = new ArrayList<>();
            sources.add(s.active.iterator(from, to));
            for (Memtable m : s.frozen) {
                sources.add(m.iterator(from, to));
            }
            for (SSTable t : s.levels.get(0)) {
                if (t.intersects(from, to)) {
                    sources.add(t.iterator(from, to)); // opening one reads a block: skip those out of range
                }
            }
            for (int l = 1; l < s.levels.size(); l++) {
                if (!s.levels.get(l).isEmpty()) {
                    sources.add(new LevelIterator(s.levels.get(l), from, to));
                }
            }
            return new Cursor(s, new MergingIterator(sources));
        } catch (RuntimeException e) {
            s.release();
            throw e;
        }
    }

    /** Walks a merge of every source (each bounded by the range), skipping tombstones; holds its table set until closed. */
    private static final class Cursor implements EngineCursor {
        private final TableSet set;
        private final MergingIterator it;
        /** True while on an entry: the merge stays on it until the next step. */
        private boolean positioned;
        /** The current entry's decoded set, once asked for. */
        private SiblingSet value;
        private boolean closed;

        Cursor(TableSet set, MergingIterator it) {
            this.set = set;
            this.it = it;
        }

        @Override
        public boolean next() {
            if (closed) {
                return false;
            }
            if (positioned) {
                it.next();
            }
            value = null;
            while (it.valid()) {
                if (!it.tombstone()) {
                    positioned = true;
                    return true;
                }
                it.next();
            }
            positioned = false;
            return false;
        }

        @Override
        public byte[] key() {
            return positioned ? it.key() : null;
        }

        @Override
        public SiblingSet value() {
            if (value == null && positioned) {
                value = SiblingSetCodec.decode(it.value());
            }
            return value;
        }

        @Override
        public byte[] winnerValue() {
            return positioned ? it.winnerValue() : null;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                set.release();
            }
        }
    }

    @Override
    public long approximateSize() {
        TableSet s = current;
        long n = s.active.size();
        for (Memtable m : s.frozen) {
            n += m.size();
        }
        for (List<SSTable> l : s.levels) {
            for (SSTable t : l) {
                n += t.entries();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(byte[] key, SiblingSet value) {
        write(CommitLog.OP_PUT, key, SiblingSetCodec.encode(value));
    }

    @Override
    public void remove(byte[] key) {
        write(CommitLog.OP_REMOVE, key, InternalIterator.TOMBSTONE);
    }

    private void write(byte op, byte[] key, byte[] value) {
        maybeStall();
        long ticket;
        synchronized (writeLock) {
            if (closed) {
                throw new IllegalStateException("engine closed");
            }
            ticket = commitLog.append(op, key, op == CommitLog.OP_PUT ? value : null);
            Memtable m = current.active;
            if (op == CommitLog.OP_REMOVE && onlyInActive(key)) {
                m.removeEntry(key);
            } else {
                m.put(key, value);
            }
            if (m.bytes() >= options.memtableSize()) {
                freezeLocked();
            } else if (commitLog.segmentFull()) {
                commitLog.rotate(nextFile.getAndIncrement());
            }
        }
        commitLog.awaitDurable(ticket);
    }

    /**
     * True if no frozen memtable and no table can hold {@code key}, so that a delete may drop it from
     * the active memtable instead of writing a tombstone: nothing older is left for a tombstone to
     * hide. Deletion-heavy patterns (SPOP, LPOP, ZPOPMIN of recent elements) then leave no markers for
     * later walks to step over. Called under the write lock: tables only come from frozen memtables
     * (checked here) and from compactions of tables (checked here), so the answer holds until the
     * delete is done.
     */
    private boolean onlyInActive(byte[] key) {
        TableSet s = acquire();
        try {
            long hash = BloomFilter.hash(key);
            for (Memtable m : s.frozen) {
                if (m.cell(key, hash) != null) { // present, without copying its value
                    return false;
                }
            }
            for (SSTable t : s.levels.get(0)) {
                if (t.mayContain(key, hash)) {
                    return false;
                }
            }
            for (int l = 1; l < s.levels.size(); l++) {
                SSTable t = find(s.levels.get(l), key);
                if (t != null && t.mayContain(key, hash)) {
                    return false;
                }
            }
            return true;
        } finally {
            s.release();
        }
    }

    /** Holds a writer back, for a bounded time, while flushes or level-0 compactions lag. */
    private void maybeStall() {
        if (!mustStall(current)) {
            return;
        }
        writeStalls.incrementAndGet();
        long deadline = System.nanoTime() + options.maxStallMillis() * 1_000_000L;
        synchronized (signal) {
            while (mustStall(current) && !closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    signal.wait(Math.max(1, left / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean mustStall(TableSet s) {
        return s.frozen.size() > options.maxFrozenMemtables() || s.levels.get(0).size() >= options.level0Stall();
    }

    /** Switches to a new memtable and log segment; the caller holds the write lock. */
    private void freezeLocked() {
        if (current.active.isEmpty()) {
            return;
        }
        long segment = nextFile.getAndIncrement();
        commitLog.rotate(segment);
        synchronized (stateLock) {
            TableSet s = current;
            List<Memtable> frozen = new ArrayList<>(s.frozen.size() + 1);
            frozen.add(s.active);
            frozen.addAll(s.frozen);
            publish(new TableSet(new Memtable(segment), frozen, s.levels));
        }
        wake();
    }

    /** Makes {@code next} the current state; the caller holds the state lock. */
    private void publish(TableSet next) {
        TableSet old = current;
        current = next;
        old.release();
    }

    void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    // ------------------------------------------------------------------ flush

    private void flushLoop() {
        while (!closed) {
            TableSet s = current;
            if (s.frozen.isEmpty()) {
                synchronized (signal) {
                    if (current.frozen.isEmpty() && !closed) {
                        try {
                            signal.wait(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                continue;
            }
            Memtable oldest = s.frozen.get(s.frozen.size() - 1);
            try {
                flush(oldest);
                backgroundError = null;
            } catch (RuntimeException | IOException e) {
                backgroundError = e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
                log.error("memtable flush failed; retrying in 1s", e);
                wake();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void flush(Memtable m) throws IOException {
        long number = nextFile.getAndIncrement();
        Path path = TableWriter.tablePath(dir, number);
        try (TableWriter w = new TableWriter(path, options.blockSize(), options.bloomBitsPerKey(), null)) {
            for (InternalIterator it = m.iterator(null, null); it.valid(); it.next()) {
                w.add(it.key(), it.value());
            }
            w.finish();
        }
        SSTable table = SSTable.open(path, number);
        synchronized (stateLock) {
            TableSet s = current;
            List<Memtable> frozen = new ArrayList<>(s.frozen);
            frozen.remove(m);
            List<List<SSTable>> levels = s.mutableLevels();
            levels.get(0).add(0, table);
            long logStart = frozen.isEmpty() ? s.active.firstSegment() : frozen.get(frozen.size() - 1).firstSegment();
            writeManifest(levels, logStart);
            publish(new TableSet(s.active, frozen, levels));
            deleteSegmentsBefore(logStart);
        }
        table.release();
        flushes.incrementAndGet();
        wake();
    }

    private void deleteSegmentsBefore(long logStart) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                long seg = CommitLog.segmentNumber(p.getFileName().toString());
                if (seg >= 0 && seg < logStart) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void writeManifest(List<List<SSTable>> levels, long logStart) {
        List<List<Long>> numbers = new ArrayList<>(levels.size());
        for (List<SSTable> l : levels) {
            List<Long> n = new ArrayList<>(l.size());
            for (SSTable t : l) {
                n.add(t.number());
            }
            numbers.add(n);
        }
        try {
            Manifest.write(dir, new Manifest.State(logStart, numbers));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest in " + dir, e);
        }
    }

    // ------------------------------------------------------------------ compaction hooks

    LsmOptions options() {
        return options;
    }

    Path dir() {
        return dir;
    }

    RateLimiter limiter() {
        return limiter;
    }

    long newFileNumber() {
        return nextFile.getAndIncrement();
    }

    boolean closing() {
        return closing;
    }

    Object signal() {
        return signal;
    }

    /** The current state, retained; the caller releases it. */
    TableSet retainCurrent() {
        return acquire();
    }

    /**
     * Replaces {@code inputs} with {@code outputs} (at {@code outputLevel}) in one manifest write. Only
     * the compaction thread removes tables, so the inputs are still live.
     */
    void install(List<SSTable> inputs, List<SSTable> outputs, int outputLevel) {
        synchronized (stateLock) {
            TableSet s = current;
            List<List<SSTable>> levels = s.mutableLevels();
            Set<SSTable> gone = new HashSet<>(inputs);
            for (List<SSTable> l : levels) {
                l.removeIf(gone::contains);
            }
            List<SSTable> out = levels.get(outputLevel);
            out.addAll(outputs);
            if (outputLevel > 0) {
                out.sort((a, b) -> Arrays.compareUnsigned(a.firstKey(), b.firstKey()));
            }
            long logStart = s.frozen.isEmpty() ? s.active.firstSegment() : s.frozen.get(s.frozen.size() - 1).firstSegment();
            writeManifest(levels, logStart);
            for (SSTable t : inputs) {
                t.markObsolete();
            }
            publish(new TableSet(s.active, s.frozen, levels));
        }
        wake();
    }

    // ------------------------------------------------------------------ control

    /**
     * Flushes every memtable into tables and forces the commit log (SAVE): afterwards everything
     * written before the call is in SSTables named by the manifest.
     */
    @Override
    public void sync() {
        Memtable newest;
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            freezeLocked();
            List<Memtable> frozen = current.frozen;
            newest = frozen.isEmpty() ? null : frozen.get(0);
        }
        if (newest != null) {
            waitForFlush(newest);
        }
        commitLog.sync();
    }

    /**
     * Waits until {@code m} (and so every memtable frozen before it: flushes go oldest first) is in a
     * table; memtables frozen later by other writers are not waited for.
     */
    private void waitForFlush(Memtable m) {
        synchronized (signal) {
            while (current.frozen.contains(m)) {
                RuntimeException e = backgroundError;
                if (e != null) {
                    throw new StorageException("memtable flush failing: " + e.getMessage(), e);
                }
                try {
                    signal.wait(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while flushing", ie);
                }
            }
        }
    }

    /**
     * Flushes, then merges every table into the bottom level (like RocksDB's CompactRange over the
     * whole key space): drops every engine tombstone and everything the purge policy allows.
     */
    @Override
    public java.util.Map<String, String> info() {
        EngineStats st = stats();
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("kvstore_engine", "lsm");
        m.put("kvstore_engine_dir", dir.toString());
        m.put("kvstore_tables_per_level", join(st.tablesPerLevel()));
        m.put("kvstore_bytes_per_level", join(st.bytesPerLevel()));
        m.put("kvstore_pending_compaction_bytes", Long.toString(st.pendingCompactionBytes()));
        m.put("kvstore_memtable_bytes", Long.toString(st.memtableBytes()));
        m.put("kvstore_frozen_memtables", Integer.toString(st.frozenMemtables()));
        m.put("kvstore_last_fsync_time", Long.toString(st.lastFsyncMillis() / 1000));
        m.put("kvstore_write_stalls", Long.toString(st.writeStalls()));
        m.put("kvstore_flushes", Long.toString(st.flushes()));
        m.put("kvstore_compactions", Long.toString(st.compactions()));
        m.put("kvstore_compacted_bytes", Long.toString(st.compactedBytes()));
        return m;
    }

    private static String join(java.util.List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            sb.append(sb.length() == 0 ? "" : ",").append(v);
        }
        return sb.toString();
    }

    @Override
    public void flushWrites() {
        commitLog.writeBuffered();
    }

    /** Changes the commit log's fsync policy (CONFIG SET appendfsync). */
    public void setFsync(FsyncPolicy policy) {
        commitLog.setPolicy(policy);
    }

    public void compactAll() {
        sync();
        compactor.compactAllAndWait();
    }

    /** Waits until no level needs compaction (tests, benchmarks). */
    public void awaitCompactions() {
        compactor.awaitIdle();
    }

    public EngineStats stats() {
        TableSet s = current;
        List<Integer> tables = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        for (List<SSTable> l : s.levels) {
            tables.add(l.size());
            bytes.add(TableSet.bytes(l));
        }
        long mem = s.active.bytes();
        for (Memtable m : s.frozen) {
            mem += m.bytes();
        }
        return new EngineStats(List.copyOf(tables), List.copyOf(bytes), compactor.pendingBytes(s),
                commitLog.lastFsyncMillis(), writeStalls.get(), mem, s.frozen.size(), flushes.get(),
                compactor.compactions(), compactor.compactedBytes());
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            try {
                sync();
            } catch (RuntimeException e) {
                log.error("flush at close failed; the commit log still holds the writes", e);
            }
            closing = true;
            compactor.stop();
            limiter.cancel();
            wake();
            try {
                compactThread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (writeLock) {
                closed = true;
            }
            wake();
            flushThread.interrupt();
            try {
                flushThread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            commitLog.close();
            synchronized (stateLock) {
                current.release();
            }
            try {
                fileLock.release();
                lockChannel.close();
            } catch (IOException e) {
                log.warn("releasing the directory lock", e);
            }
        }
    }
}
