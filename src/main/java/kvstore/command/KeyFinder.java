package kvstore.command;

/**
 * Where the keys of a command with movable keys are (COMMAND GETKEYS): positions found from its
 * arguments, such as a key count (ZUNION's numkeys) or an option (SORT's STORE), rather than fixed
 * first/last/step positions.
 */
@FunctionalInterface
interface KeyFinder {
    /** The positions of the keys in {@code argv} (argv[0] is the command), or null if the arguments do not say. */
    int[] positions(byte[][] argv);

    /**
     * The key count at {@code countAt}, that many keys right after it, and before it the fixed keys
     * at {@code fixed} (ZUNIONSTORE's destination), as Redis's "keynum" key specs.
     */
    static KeyFinder counted(int countAt, int... fixed) {
        return argv -> {
            if (countAt >= argv.length) {
                return null;
            }
            long n = Args.parseLong(argv[countAt]);
            if (n < 1 || n > argv.length - countAt - 1) {
                return null;
            }
            int[] out = new int[fixed.length + (int) n];
            System.arraycopy(fixed, 0, out, 0, fixed.length);
            for (int i = 0; i < n; i++) {
                out[fixed.length + i] = countAt + 1 + i;
            }
            return out;
        };
    }
}
