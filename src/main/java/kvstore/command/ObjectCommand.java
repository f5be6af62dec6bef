package kvstore.command;

import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.STALE;

/**
 * OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP (Redis object.c). kvstore stores values as
 * plain bytes, so the answers are what Redis would report for the same value where that follows from
 * the value alone.
 */
final class ObjectCommand {
    /** Redis's OBJ_SHARED_REFCOUNT: the refcount of the shared integers 0..9999 (OBJ_SHARED_INTEGERS). */
    static final long SHARED_REFCOUNT = Integer.MAX_VALUE;
    private static final long SHARED_INTEGERS = 10000;
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    private static final int EMBSTR_LIMIT = 44;

    private static final ErrorReply NO_LFU = ErrorReply.err("An LFU maxmemory policy is not selected, access "
            + "frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data "
            + "will take some time to adjust.");

    private static final String[] HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };

    private final CommandContext ctx;
    private final Keyspace ks;
    private final Reply help;

    ObjectCommand(CommandContext ctx) {
        this.ctx = ctx;
        this.ks = ctx.keyspace();
        List<Reply> lines = new ArrayList<>();
        for (String l : HELP) {
            lines.add(new SimpleReply(l));
        }
        this.help = ArrayReply.of(lines);
    }

    void register(CommandTable t) {
        // the container is never run: the dispatcher resolves a subcommand or rejects the arity first
        CommandSpec object = CommandSpec.builder("object", -2, (s, a) -> ErrorReply.SYNTAX)
                .categories("slow").doc("A container for object introspection commands", "2.2.3").build();
        object.subcommand(CommandSpec.builder("help", 2, (s, a) -> help).flags(LOADING, STALE)
                .categories("keyspace", "slow").doc("Show helpful text about the different subcommands", "6.2.0").build());
        object.subcommand(sub("freq", this::freq, "Get the logarithmic access frequency counter of a Redis object", "4.0.0"));
        object.subcommand(sub("encoding", this::encoding, "Inspect the internal encoding of a Redis object", "2.2.3"));
        object.subcommand(sub("idletime", this::idletime, "Get the time since a Redis object was last accessed", "2.2.3"));
        object.subcommand(sub("refcount", this::refcount,
                "Get the number of references to the value of the key", "2.2.3"));
        t.add(object);
    }

    private static CommandSpec sub(String name, Command cmd, String summary, String since) {
        return CommandSpec.builder(name, 3, cmd).flags(READONLY).keys(2, 2, 1)
                .categories("keyspace", "read", "slow").doc(summary, since).build();
    }

    /** The key's entry, counting a keyspace hit or miss as Redis's objectCommandLookup does. */
    private Entry lookup(Session s, byte[] key) {
        Entry e = ks.get(s.db(), key);
        if (e == null) {
            ctx.stats().miss();
        } else {
            ctx.stats().hit();
        }
        return e;
    }

    private Reply encoding(Session s, byte[][] a) {
        Entry e = lookup(s, a[2]);
        return e == null ? NullReply.BULK : BulkReply.of(encodingOf(e));
    }

    /**
     * kvstore has no maxmemory policy and so never an LFU one; Redis answers FREQ with this error
     * under every non-LFU policy (after the key lookup, so a missing key still gives null).
     */
    private Reply freq(Session s, byte[][] a) {
        return lookup(s, a[2]) == null ? NullReply.BULK : NO_LFU;
    }

    /**
     * Seconds since the key was last written. Redis counts from the last access (reads included);
     * kvstore keeps only the write time of a value, so reads do not reset the idle time here.
     */
    private Reply idletime(Session s, byte[][] a) {
        Entry e = lookup(s, a[2]);
        if (e == null) {
            return NullReply.BULK;
        }
        return IntegerReply.of(Math.max(0, System.currentTimeMillis() - e.writtenAt()) / 1000);
    }

    private Reply refcount(Session s, byte[][] a) {
        Entry e = lookup(s, a[2]);
        if (e == null) {
            return NullReply.BULK;
        }
        return IntegerReply.of(isSharedInteger(e) ? SHARED_REFCOUNT : 1);
    }

    private static boolean isSharedInteger(Entry e) {
        if (e.type() != ValueType.STRING) {
            return false;
        }
        long v = Args.parseLong(e.value());
        return v != Args.INVALID && v >= 0 && v < SHARED_INTEGERS;
    }

    /**
     * Strings are encoded as Redis's tryObjectEncoding would on SET: "int" for a string2ll integer
     * of at most 20 bytes, "embstr" up to 44 bytes, "raw" beyond. A list is always a quicklist in
     * Redis 7.0; hashes, sets and sorted sets report their small form (listpack, intset) until their
     * commands mark them as having outgrown it under Redis's thresholds, one way as in Redis.
     */
    static String encodingOf(Entry e) {
        if (e.type() == kvstore.keyspace.ValueType.STRING) {
            return stringEncoding(e.value());
        }
        boolean big = kvstore.keyspace.CollectionMeta.decode(e.value()).has(kvstore.keyspace.CollectionMeta.FLAG_BIG);
        return switch (e.type()) {
            case LIST -> "quicklist";
            case SET -> big ? "hashtable" : "intset";
            case HASH -> big ? "hashtable" : "listpack";
            case ZSET -> big ? "skiplist" : "listpack";
            case STRING -> throw new IllegalStateException();
        };
    }

    static String stringEncoding(byte[] v) {
        if (v.length <= 20 && Args.isLong(v)) {
            return "int";
        }
        return v.length <= EMBSTR_LIMIT ? "embstr" : "raw";
    }
}
