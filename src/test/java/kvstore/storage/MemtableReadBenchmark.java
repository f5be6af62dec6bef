package kvstore.storage;

import kvstore.cluster.KeySlot;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

/**
 * Random point reads of keys held by the active memtable, through {@link LsmEngine#getWinner} as a
 * single-node GET does them, or with {@code --decoded} through {@link LsmEngine#get} (the whole
 * sibling set, as a write's read-modify-write does): the cost that shows is the memory misses of the
 * memtable's index and the decoding. Not part of the test run (the name matches no
 * surefire pattern). From the repository root, after the {@code mvn ... dependency:build-classpath}
 * step in the Javadoc of {@code bench.LsmBenchmark}:
 *
 * <pre>
 * java -XX:+UseParallelGC -Xmx2g -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *     kvstore.storage.MemtableReadBenchmark --keys 100000 --writes 3 --rounds 21 --dir /tmp/memtable-bench
 * </pre>
 *
 * Keys are redis-benchmark's ("key:" and 12 digits) in storage layout; each key is written
 * {@code --writes} times with a 3-byte value (redis-benchmark's default); each round is 1,000,000
 * reads; the median round is printed.
 */
public final class MemtableReadBenchmark {
    private MemtableReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = 100_000;
        int writes = 3;
        int rounds = 21;
        Path dir = Path.of("/tmp/memtable-bench");
        boolean decoded = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keys" -> n = Integer.parseInt(args[++i]);
                case "--writes" -> writes = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--decoded" -> decoded = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            byte[] user = String.format("key:%012d", i).getBytes();
            keys[i] = StorageKey.encode(KeySlot.of(user), 0, user);
        }
        Random r = new Random(7);
        try (LsmEngine e = new LsmEngine(dir, LsmOptions.defaults())) {
            for (int w = 0; w < writes; w++) {
                for (int i = 0; i < n; i++) {
                    byte[] k = keys[r.nextInt(n)];
                    SiblingSet cur = e.get(k);
                    VersionVector ctx = cur == null ? VersionVector.EMPTY : cur.clock();
                    e.put(k, SiblingSet.write(cur, ctx, 1, System.currentTimeMillis(), 0, (byte) 0, new byte[] {'x', 'x', 'x'}));
                }
            }
            int[] order = new int[1_000_000];
            for (int i = 0; i < order.length; i++) {
                order[i] = r.nextInt(n);
            }
            double[] perSecond = new double[rounds];
            long sink = 0;
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                for (int i : order) {
                    Version v;
                    if (decoded) {
                        SiblingSet set = e.get(keys[i]);
                        v = set == null ? null : set.winner();
                    } else {
                        v = e.getWinner(keys[i]);
                    }
                    if (v != null) {
                        sink += v.value().length;
                    }
                }
                perSecond[round] = order.length * 1e9 / (System.nanoTime() - t0);
            }
            Arrays.sort(perSecond);
            System.out.printf("keys %d, %d writes per key: %.0f reads/s (median of %d; %d)%n",
                    n, writes, perSecond[rounds / 2], rounds, sink % 10);
        }
    }
}
