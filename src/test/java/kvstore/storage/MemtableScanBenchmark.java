package kvstore.storage;

import kvstore.cluster.KeySlot;

import java.util.Arrays;
import java.util.Random;

/**
 * Short ordered walks over one memtable, as ZRANGE, LRANGE and SCAN do them: each walk starts at a
 * random key of a sorted set's score index and reads the next {@code --length} entries (key and
 * value), so the cost that shows is the ordered index's seek and its step from entry to entry. Not
 * part of the test run (the name matches no surefire pattern). From the repository root, after the
 * {@code mvn ... dependency:build-classpath} step in the Javadoc of {@code bench.LsmBenchmark}:
 *
 * <pre>
 * java -XX:+UseParallelGC -Xmx2g -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *     kvstore.storage.MemtableScanBenchmark --members 100000 --length 100 --rounds 11
 * </pre>
 *
 * Keys are laid out as in {@link MemtableWriteBenchmark}, with a 3-byte value; each round is 20,000
 * walks, after {@code --warmup} rounds (5) that are not counted, since rounds of short walks are over
 * before the JIT is done; the median round's nanoseconds per walk are printed.
 */
public final class MemtableScanBenchmark {
    private MemtableScanBenchmark() {
    }

    public static void main(String[] args) {
        int n = 100_000;
        int length = 100;
        int rounds = 11;
        int warmup = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--members" -> n = Integer.parseInt(args[++i]);
                case "--length" -> length = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        byte[] user = "myzset".getBytes();
        byte[] prefix = StorageKey.encode(KeySlot.of(user), 0, user);
        Random r = new Random(7);
        Memtable m = new Memtable(0);
        byte[][] keys = new byte[n][];
        byte[] value = new byte[] {1, 2, 3};
        for (int i = 0; i < n; i++) {
            keys[i] = MemtableWriteBenchmark.indexKey(prefix, r.nextLong(), String.format("element:%012d", i).getBytes());
            m.put(keys[i], value);
        }
        int walks = 20_000;
        double[] nanos = new double[rounds];
        long sink = 0;
        for (int round = -warmup; round < rounds; round++) {
            long t0 = System.nanoTime();
            for (int w = 0; w < walks; w++) {
                InternalIterator it = m.iterator(keys[r.nextInt(n)], null);
                for (int j = 0; j < length && it.valid(); j++, it.next()) {
                    sink += it.key().length + it.value().length;
                }
            }
            if (round >= 0) {
                nanos[round] = (System.nanoTime() - t0) / (double) walks;
            }
        }
        Arrays.sort(nanos);
        System.out.printf("members %d: %.0f ns per walk of %d entries (median of %d rounds; checksum %d)%n",
                n, nanos[rounds / 2], length, rounds, sink);
    }
}
