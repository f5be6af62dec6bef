package kvstore.command;

import kvstore.keyspace.KeyLocks;

import java.util.List;

/** The lock stripes EXEC takes before running its commands: those of every key they name. */
final class TransactionLocks {
    private TransactionLocks() {
    }

    /**
     * The distinct stripes, in order, of the keys of {@code commands} (their specs alongside), as
     * {@link CommandSpec#keyPositions} finds them. A key's stripe is the same in every database, so the
     * SELECTs among them and the keys MOVE and COPY write in another database need no more. A
     * transaction with SWAPDB takes every stripe.
     */
    static int[] stripes(List<CommandSpec> specs, List<byte[][]> commands) {
        int[] out = new int[16];
        int n = 0;
        for (int c = 0; c < commands.size(); c++) {
            CommandSpec spec = specs.get(c);
            if (spec.name().equals("swapdb")) {
                return KeyLocks.allStripes(); // it takes every stripe itself: all of them, in order, up front
            }
            byte[][] argv = commands.get(c);
            int[] keys = spec.keyPositions(argv); // fixed positions or the command's KeyFinder (SORT's STORE)
            if (keys != null) {
                for (int k : keys) {
                    out = add(out, n++, KeyLocks.stripe(argv[k]));
                }
            }
        }
        int distinct = KeyLocks.normalise(out, n);
        return java.util.Arrays.copyOf(out, distinct);
    }

    private static int[] add(int[] a, int n, int v) {
        if (n == a.length) {
            a = java.util.Arrays.copyOf(a, n * 2);
        }
        a[n] = v;
        return a;
    }
}
