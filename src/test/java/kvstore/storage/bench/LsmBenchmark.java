package kvstore.storage.bench;

import kvstore.storage.EngineCursor;
import kvstore.storage.EngineStats;
import kvstore.storage.FsyncPolicy;
import kvstore.storage.LsmEngine;
import kvstore.storage.LsmOptions;
import kvstore.version.Dot;
import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;
import kvstore.version.Version;
import kvstore.version.VersionVector;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * kvstore's LsmEngine against RocksDB used the same way (as an Engine would use it: the value is the
 * encoded sibling set, encoded on put and decoded on get, on both sides), with 16-byte keys and
 * 100-byte values. Not part of the test run (the class name matches no surefire pattern). Run from
 * the repository root (one line; the classpath file is written by the dependency plugin):
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test &amp;&amp; java -cp target/test-classes:target/classes:$(cat target/test-cp.txt) kvstore.storage.bench.LsmBenchmark --keys 1000000 --threads 1 --fsync everysec --rounds 3 --dir /tmp/lsm-bench
 * </pre>
 *
 * Options: {@code --keys N}, {@code --threads T}, {@code --fsync always|everysec|no}, {@code --rounds R}
 * (the order of the two engines alternates between rounds; medians are printed), {@code --only
 * kvstore|rocksdb}, {@code --dir D}. Each engine first runs a warm-up on a tenth of the keys.
 *
 * Settings on both sides: WAL on with the same fsync policy (everysec = RocksDB sync=false plus a
 * SyncWAL every second; always = sync=true; no = sync=false), 64 MB memtable, 4 KB blocks, bloom
 * filters with 10 bits/key, leveled compaction with a 256 MB level 1 and 64 MB tables, no compression.
 */
public final class LsmBenchmark {
    private static final int KEY = 16;
    private static final int VALUE = 100;

    private interface Store extends AutoCloseable {
        void put(byte[] k, SiblingSet v) throws Exception;

        SiblingSet get(byte[] k) throws Exception;

        /** Reads {@code n} entries from {@code from}; returns how many were read. */
        int scan(byte[] from, int n) throws Exception;

        void settle() throws Exception;

        @Override
        void close();
    }

    private static final class Kv implements Store {
        final LsmEngine e;

        Kv(Path dir, FsyncPolicy fsync) {
            e = new LsmEngine(dir, LsmOptions.defaults().withFsync(fsync));
        }

        public void put(byte[] k, SiblingSet v) {
            e.put(k, v);
        }

        public SiblingSet get(byte[] k) {
            return e.get(k);
        }

        public int scan(byte[] from, int n) {
            int i = 0;
            try (EngineCursor c = e.range(from, null)) {
                while (i < n && c.next()) {
                    if (c.value() == null) {
                        throw new IllegalStateException();
                    }
                    i++;
                }
            }
            return i;
        }

        public void settle() {
            e.awaitCompactions();
        }

        public void close() {
            EngineStats st = e.stats();
            System.out.println("  kvstore: write stalls " + st.writeStalls() + ", flushes " + st.flushes()
                    + ", compactions " + st.compactions() + ", tables per level " + st.tablesPerLevel());
            e.close();
        }
    }

    private static final class Rocks implements Store {
        final RocksDB db;
        final Options options;
        final WriteOptions wo;
        final LRUCache cache;
        final Thread syncer;
        volatile boolean closed;

        Rocks(Path dir, FsyncPolicy fsync) throws RocksDBException {
            RocksDB.loadLibrary();
            cache = new LRUCache(512L << 20); // holds the whole data set, as the page cache does for kvstore
            BlockBasedTableConfig t = new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10, false))
                    .setBlockSize(4096).setBlockCache(cache);
            options = new Options().setCreateIfMissing(true).setWriteBufferSize(64L << 20).setMaxWriteBufferNumber(3)
                    .setCompressionType(CompressionType.NO_COMPRESSION).setCompactionStyle(CompactionStyle.LEVEL)
                    .setMaxBytesForLevelBase(256L << 20).setMaxBytesForLevelMultiplier(10)
                    .setTargetFileSizeBase(64L << 20).setLevel0FileNumCompactionTrigger(4).setNumLevels(7)
                    .setMaxBackgroundJobs(2).setTableFormatConfig(t);
            db = RocksDB.open(options, dir.toString());
            wo = new WriteOptions().setSync(fsync == FsyncPolicy.ALWAYS).setDisableWAL(false);
            if (fsync == FsyncPolicy.EVERYSEC) {
                syncer = new Thread(() -> {
                    while (!closed) {
                        try {
                            Thread.sleep(1000);
                            db.syncWal();
                        } catch (InterruptedException | RocksDBException e) {
                            return;
                        }
                    }
                });
                syncer.setDaemon(true);
                syncer.start();
            } else {
                syncer = null;
            }
        }

        public void put(byte[] k, SiblingSet v) throws RocksDBException {
            db.put(wo, k, SiblingSetCodec.encode(v));
        }

        public SiblingSet get(byte[] k) throws RocksDBException {
            byte[] v = db.get(k);
            return v == null ? null : SiblingSetCodec.decode(v);
        }

        public int scan(byte[] from, int n) {
            int i = 0;
            try (RocksIterator it = db.newIterator()) {
                for (it.seek(from); i < n && it.isValid(); it.next()) {
                    it.key();
                    if (SiblingSetCodec.decode(it.value()) == null) {
                        throw new IllegalStateException();
                    }
                    i++;
                }
            }
            return i;
        }

        public void settle() throws Exception {
            // wait until RocksDB reports no pending compaction work, as LsmEngine.awaitCompactions does
            for (int i = 0; i < 600; i++) {
                long pending = db.getLongProperty("rocksdb.estimate-pending-compaction-bytes");
                long running = db.getLongProperty("rocksdb.num-running-compactions")
                        + db.getLongProperty("rocksdb.num-running-flushes");
                if (pending == 0 && running == 0) {
                    return;
                }
                Thread.sleep(100);
            }
        }

        public void close() {
            closed = true;
            if (syncer != null) {
                syncer.interrupt();
                try {
                    syncer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            db.close();
            wo.close();
            options.close();
            cache.close();
        }
    }

    /** 16 ASCII digits, zero-padded (String.format would dominate the profile). */
    private static byte[] key(long i) {
        byte[] k = new byte[KEY];
        for (int p = KEY - 1; p >= 0; p--) {
            k[p] = (byte) ('0' + i % 10);
            i /= 10;
        }
        return k;
    }

    /**
     * A key that sorts between present keys (its last character is a letter, present keys end in a
     * digit), so every level's key range covers it and only the bloom filters can say no.
     */
    private static byte[] missingKey(long i) {
        byte[] k = key(i);
        k[KEY - 1] = (byte) ('a' + i % 26);
        return k;
    }

    private static SiblingSet value(Random r, long actor) {
        byte[] v = new byte[VALUE];
        r.nextBytes(v);
        return new SiblingSet(VersionVector.of(new long[] {actor}, new long[] {1}),
                List.of(new Version(new Dot(actor, 1), System.currentTimeMillis(), 0, (byte) 0, v)));
    }

    @FunctionalInterface
    private interface Op {
        /** Runs operation {@code i} of thread {@code t}; returns the number of items done. */
        long run(int t, long i, Random r) throws Exception;
    }

    private static double timed(int threads, long ops, Op op) throws Exception {
        AtomicLong items = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        Exception[] failure = new Exception[1];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                Random r = new Random(id * 7919L + 17);
                long n = 0;
                try {
                    for (long i = id; i < ops; i += threads) {
                        n += op.run(id, i, r);
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
                items.addAndGet(n);
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return items.get() / secs;
    }

    private static Map<String, Double> run(Store s, long n, int threads, long[] perm) throws Exception {
        Map<String, Double> res = new LinkedHashMap<>();
        res.put("fill-random", timed(threads, n, (t, i, r) -> {
            s.put(key(perm[(int) i]), value(r, t + 1));
            return 1;
        }));
        s.settle();
        res.put("read-random", timed(threads, n, (t, i, r) -> {
            long k = (r.nextLong() & Long.MAX_VALUE) % n;
            if (s.get(key(k)) == null) {
                throw new IllegalStateException("missing key " + k);
            }
            return 1;
        }));
        res.put("read-missing", timed(threads, n, (t, i, r) -> {
            if (s.get(missingKey(i)) != null) {
                throw new IllegalStateException("found a missing key");
            }
            return 1;
        }));
        res.put("overwrite", timed(threads, n, (t, i, r) -> {
            s.put(key((r.nextLong() & Long.MAX_VALUE) % n), value(r, t + 1));
            return 1;
        }));
        s.settle();
        res.put("scan (entries/s, 100 per seek)", timed(threads, Math.max(1, n / 100), (t, i, r) ->
                s.scan(key((r.nextLong() & Long.MAX_VALUE) % n), 100)));
        return res;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) w.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        long n = 1_000_000;
        int threads = 1;
        FsyncPolicy fsync = FsyncPolicy.EVERYSEC;
        Path dir = Path.of("/tmp/lsm-bench");
        String only = "both";
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keys" -> n = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--fsync" -> fsync = FsyncPolicy.parse(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long[] perm = permutation(n, 1);
        System.out.printf("keys=%d threads=%d fsync=%s rounds=%d key=%dB value=%dB (stored: encoded sibling set, %d B)%n",
                n, threads, fsync.name().toLowerCase(), rounds, KEY, VALUE,
                SiblingSetCodec.encode(value(new Random(), 1)).length);
        // warm-up (JIT) on a tenth of the keys, not reported
        long warm = Math.max(1000, n / 10);
        long[] warmPerm = permutation(warm, 2);
        if (!only.equals("rocksdb")) {
            runOne("kvstore", dir, fsync, warm, threads, warmPerm);
        }
        if (!only.equals("kvstore")) {
            runOne("rocksdb", dir, fsync, warm, threads, warmPerm);
        }
        Map<String, List<Double>> kv = new LinkedHashMap<>();
        Map<String, List<Double>> rocks = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            // alternate the order so that a change in machine load does not favour one side
            List<String> order = round % 2 == 0 ? List.of("kvstore", "rocksdb") : List.of("rocksdb", "kvstore");
            for (String which : order) {
                if (only.equals("both") || only.equals(which)) {
                    Map<String, Double> r = runOne(which, dir, fsync, n, threads, perm);
                    Map<String, List<Double>> into = which.equals("kvstore") ? kv : rocks;
                    r.forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                    System.out.println("  round " + (round + 1) + " " + which + ": " + r);
                }
            }
        }
        System.out.printf("%-32s %14s %14s %8s%n", "benchmark (median of rounds)", "kvstore ops/s", "rocksdb ops/s", "ratio");
        Map<String, List<Double>> names = kv.isEmpty() ? rocks : kv;
        for (String name : names.keySet()) {
            double a = kv.isEmpty() ? Double.NaN : median(kv.get(name));
            double b = rocks.isEmpty() ? Double.NaN : median(rocks.get(name));
            System.out.printf("%-32s %14.0f %14.0f %8.2f%n", name, a, b, a / b);
        }
    }

    private static long[] permutation(long n, long seed) {
        long[] perm = new long[(int) n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random shuffle = new Random(seed);
        for (int i = perm.length - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            long t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    private static Map<String, Double> runOne(String which, Path dir, FsyncPolicy fsync, long n, int threads, long[] perm)
            throws Exception {
        Path d = dir.resolve(which);
        delete(d);
        Files.createDirectories(d);
        try (Store s = which.equals("kvstore") ? new Kv(d, fsync) : new Rocks(d, fsync)) {
            return run(s, n, threads, perm);
        } finally {
            delete(d);
        }
    }
}
