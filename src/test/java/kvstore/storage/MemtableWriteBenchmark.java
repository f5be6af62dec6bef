package kvstore.storage;

import kvstore.cluster.KeySlot;

import java.util.Arrays;
import java.util.Random;

/**
 * Insertions and removals of new keys in one memtable, as a sorted set's score index sees them under
 * redis-benchmark's ZADD (each member moves to a random score: its old index key is removed and a new
 * one inserted): the cost that shows is the ordered index's ({@link CellTree}; it was a skip list),
 * whose searches miss the CPU cache once the memtable outgrows it. Not part of the test run (the name matches no surefire
 * pattern). From the repository root, after the {@code mvn ... dependency:build-classpath} step in the
 * Javadoc of {@code bench.LsmBenchmark}:
 *
 * <pre>
 * java -XX:+UseParallelGC -Xmx2g -cp target/test-classes:target/classes:$(cat target/test-cp.txt) \
 *     kvstore.storage.MemtableWriteBenchmark --members 100000 --rounds 11
 * </pre>
 *
 * Keys are one sorted set's index entries in storage layout (the set's key, an 8-byte score, the
 * member "element:" and 12 digits); each round moves every member once; the median round's
 * nanoseconds per memtable operation are printed.
 */
public final class MemtableWriteBenchmark {
    private MemtableWriteBenchmark() {
    }

    public static void main(String[] args) {
        int n = 100_000;
        int rounds = 11;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--members" -> n = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        byte[] user = "myzset".getBytes();
        byte[] prefix = StorageKey.encode(KeySlot.of(user), 0, user);
        byte[][] members = new byte[n][];
        for (int i = 0; i < n; i++) {
            members[i] = String.format("element:%012d", i).getBytes();
        }
        Random r = new Random(7);
        Memtable m = new Memtable(0);
        byte[][] current = new byte[n][];
        byte[] value = new byte[0];
        for (int i = 0; i < n; i++) {
            current[i] = indexKey(prefix, r.nextLong(), members[i]);
            m.put(current[i], value);
        }
        double[] nanos = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            for (int j = 0; j < n; j++) {
                int i = r.nextInt(n);
                m.removeEntry(current[i]);
                current[i] = indexKey(prefix, r.nextLong(), members[i]);
                m.put(current[i], value);
            }
            nanos[round] = (System.nanoTime() - t0) / (2.0 * n);
        }
        Arrays.sort(nanos);
        System.out.printf("members %d: %.0f ns per insertion or removal (median of %d rounds; %d entries)%n",
                n, nanos[rounds / 2], rounds, m.size());
    }

    /** A sorted set's index key: the set's storage key, the score's 8 bytes, the member. */
    static byte[] indexKey(byte[] prefix, long score, byte[] member) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 8 + member.length);
        for (int i = 0; i < 8; i++) {
            k[prefix.length + i] = (byte) (score >>> (56 - 8 * i));
        }
        System.arraycopy(member, 0, k, prefix.length + 8, member.length);
        return k;
    }
}
