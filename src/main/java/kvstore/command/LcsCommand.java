package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.READONLY;

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN], as Redis 7.0's lcsCommand. */
final class LcsCommand {
    private static final ErrorReply NOT_STRINGS = ErrorReply.err("The specified keys must contain string values");
    private static final ErrorReply LEN_AND_IDX =
            ErrorReply.err("If you want both the length and indexes, please just use IDX.");
    private static final ErrorReply NO_MEMORY =
            ErrorReply.err("Insufficient memory, failed allocating transient memory for LCS");
    private static final BulkReply MATCHES = BulkReply.of("matches");
    private static final BulkReply LEN = BulkReply.of("len");

    private final CommandContext ctx;
    private final Keyspace ks;

    LcsCommand(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(StringCommands.spec("lcs", -3, this::lcs, "read", "slow").flags(READONLY).keys(1, 2, 1)
                .doc("Find longest common substring", "7.0.0").build());
    }

    private Reply lcs(Session s, byte[][] argv) {
        int db = s.db();
        // Redis looks both keys up (counting hits and misses) before it reads the options
        Entry ea = lookup(db, argv[1]);
        Entry eb = lookup(db, argv[2]);
        if ((ea != null && ea.type() != ValueType.STRING) || (eb != null && eb.type() != ValueType.STRING)) {
            return NOT_STRINGS;
        }
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < argv.length; j++) {
            byte[] opt = argv[j];
            boolean moreArgs = j < argv.length - 1;
            if (SetOptions.cIs(opt, "idx")) {
                getIdx = true;
            } else if (SetOptions.cIs(opt, "len")) {
                getLen = true;
            } else if (SetOptions.cIs(opt, "withmatchlen")) {
                withMatchLen = true;
            } else if (SetOptions.cIs(opt, "minmatchlen") && moreArgs) {
                byte[] n = argv[++j];
                if (!Args.isLong(n)) {
                    return ErrorReply.NOT_INTEGER;
                }
                minMatchLen = Math.max(0, Args.longValue(n));
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        if (getIdx && getLen) {
            return LEN_AND_IDX;
        }
        byte[] a = ea == null ? new byte[0] : ea.value();
        byte[] b = eb == null ? new byte[0] : eb.value();
        if (!fitsInMemory(Lcs.tableSize(a.length, b.length))) {
            return NO_MEMORY;
        }
        Lcs result = Lcs.of(a, b, getIdx || !getLen);
        if (getIdx) {
            List<Reply> matches = new ArrayList<>();
            for (Lcs.Range r : result.ranges()) {
                if (minMatchLen == 0 || r.length() >= minMatchLen) {
                    matches.add(withMatchLen
                            ? ArrayReply.of(pair(r.aStart(), r.aEnd()), pair(r.bStart(), r.bEnd()), IntegerReply.of(r.length()))
                            : ArrayReply.of(pair(r.aStart(), r.aEnd()), pair(r.bStart(), r.bEnd())));
                }
            }
            return ArrayReply.map(List.of(MATCHES, ArrayReply.of(matches), LEN, IntegerReply.of(result.length())));
        }
        if (getLen) {
            return IntegerReply.of(result.length());
        }
        return new BulkReply(result.lcs());
    }

    private Entry lookup(int db, byte[] key) {
        Entry e = ks.get(db, key);
        if (e == null) {
            ctx.stats().miss();
        } else {
            ctx.stats().hit();
        }
        return e;
    }

    private static ArrayReply pair(int start, int end) {
        return ArrayReply.of(IntegerReply.of(start), IntegerReply.of(end));
    }

    /** Redis replies NO_MEMORY when it cannot allocate the table; here: an int[] too big for the heap. */
    private static boolean fitsInMemory(long cells) {
        if (cells > Integer.MAX_VALUE - 8) {
            return false;
        }
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        return cells * 4 < available / 2;
    }
}
