package kvstore.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Random point reads through {@link SSTable#get} on one table, without the memtable, the other levels
 * or value decoding of {@code LsmBenchmark}, so the cost of finding an entry in a block shows. Not part
 * of the test run (the name matches no surefire pattern). From the repository root, after the
 * {@code mvn ... dependency:build-classpath} step in the Javadoc of {@code bench.LsmBenchmark}:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/test-cp.txt) kvstore.storage.TableReadBenchmark \
 *     --keys 1000000 --value 10 --rounds 21 --dir /tmp/table-bench
 * </pre>
 *
 * Keys are 16 ASCII digits; values are random bytes of {@code --value} length (10 is about the size of
 * a small hash field's entry, 100 matches LsmBenchmark); each round is 300,000 reads; the median
 * round is printed.
 */
public final class TableReadBenchmark {
    private TableReadBenchmark() {
    }

    private static byte[] key(long i) {
        byte[] k = new byte[16];
        for (int p = 15; p >= 0; p--) {
            k[p] = (byte) ('0' + i % 10);
            i /= 10;
        }
        return k;
    }

    public static void main(String[] args) throws Exception {
        long n = 1_000_000;
        int valueSize = 10;
        int rounds = 21;
        Path dir = Path.of("/tmp/table-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--keys" -> n = Long.parseLong(args[++i]);
                case "--value" -> valueSize = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(dir);
        Path p = TableWriter.tablePath(dir, 1);
        Files.deleteIfExists(p);
        Random r = new Random(3);
        try (TableWriter w = new TableWriter(p, 4096, 10, null)) {
            for (long i = 0; i < n; i++) {
                byte[] v = new byte[valueSize];
                r.nextBytes(v);
                w.add(key(i), v);
            }
            w.finish();
        }
        SSTable t = SSTable.open(p, 1);
        try {
            long ops = 300_000;
            reads(t, n, ops, 7); // warm-up
            double[] res = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                res[round] = reads(t, n, ops, 1000 + round);
            }
            Arrays.sort(res);
            System.out.printf("SSTable.get, %d keys, %d-byte values, %d-byte table: median %.0f reads/s (min %.0f, max %.0f)%n",
                    n, valueSize, t.fileSize(), res[rounds / 2], res[0], res[rounds - 1]);
        } finally {
            t.release();
            Files.deleteIfExists(p);
        }
    }

    private static double reads(SSTable t, long n, long ops, long seed) {
        Random r = new Random(seed);
        long start = System.nanoTime();
        for (long i = 0; i < ops; i++) {
            byte[] k = key((r.nextLong() & Long.MAX_VALUE) % n);
            if (t.get(k, BloomFilter.hash(k)) == null) {
                throw new IllegalStateException("missing key");
            }
        }
        return ops / ((System.nanoTime() - start) / 1e9);
    }
}
