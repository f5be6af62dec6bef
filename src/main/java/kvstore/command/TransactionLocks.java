package kvstore.command;

import kvstore.keyspace.KeyLocks;

import java.util.List;

/** The lock stripes EXEC takes before running its commands: those of every key they name. */
final class TransactionLocks {
    private TransactionLocks() {
    }

    /**
     * The distinct stripes, in order, of the keys of {@code commands} (their specs alongside), starting
     * in database {@code db} and following the SELECTs among them, as {@link CommandSpec#keyPositions}
     * finds them. The keys MOVE and COPY write in another database count too, so that their commands
     * never take a stripe out of order. A transaction with SWAPDB takes every stripe.
     */
    static int[] stripes(List<CommandSpec> specs, List<byte[][]> commands, int db) {
        int[] out = new int[16];
        int n = 0;
        for (int c = 0; c < commands.size(); c++) {
            CommandSpec spec = specs.get(c);
            byte[][] argv = commands.get(c);
            if (spec.name().equals("swapdb")) {
                return KeyLocks.allStripes(); // it takes every stripe itself: all of them, in order, up front
            }
            if (spec.name().equals("select")) {
                long d = Args.parseLong(argv[1]);
                db = d >= 0 && d < 256 ? (int) d : db;
                continue;
            }
            int[] keys = spec.keyPositions(argv); // fixed positions or the command's KeyFinder (SORT's STORE)
            if (keys != null) {
                for (int k : keys) {
                    out = add(out, n++, KeyLocks.stripe(db, argv[k]));
                }
            }
            int other = otherDb(spec.name(), argv);
            if (other >= 0) {
                out = add(out, n++, KeyLocks.stripe(other, argv[spec.name().equals("move") ? 1 : 2]));
            }
        }
        int distinct = KeyLocks.normalise(out, n);
        return java.util.Arrays.copyOf(out, distinct);
    }

    /** The database MOVE key db, or COPY src dst DB db, writes to; -1 for none. */
    private static int otherDb(String name, byte[][] argv) {
        long d = -1;
        if (name.equals("move")) {
            d = Args.parseLong(argv[2]);
        } else if (name.equals("copy")) {
            for (int i = 3; i + 1 < argv.length; i++) {
                if (Args.is(argv[i], "db")) {
                    d = Args.parseLong(argv[i + 1]);
                }
            }
        }
        return d >= 0 && d < 256 ? (int) d : -1;
    }

    private static int[] add(int[] a, int n, int v) {
        if (n == a.length) {
            a = java.util.Arrays.copyOf(a, n * 2);
        }
        a[n] = v;
        return a;
    }
}
