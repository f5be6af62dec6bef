package kvstore.command;

import kvstore.keyspace.CollectionMeta;
import kvstore.keyspace.Entry;
import kvstore.keyspace.ValueType;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;

import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.STALE;

/**
 * MEMORY USAGE and MEMORY HELP (Redis's object.c memoryCommand).
 *
 * <p>What USAGE counts: kvstore keeps a key as engine entries (the key's own, and one per element of
 * a collection), each holding the storage key, the value and its version. The figure is the bytes of
 * those entries as the engine stores them, {@link #ENTRY_OVERHEAD} bytes of framing and version per
 * entry plus the key and value bytes; for a collection, the first SAMPLES elements (default 5, 0 for
 * all) are measured and their mean size taken for every element, as Redis samples nested values.
 * The other MEMORY subcommands report on Redis's allocator and are not implemented.
 */
final class MemoryCommand {
    /** Storage key header, entry framing and one version (clock, timestamp, type) per engine entry. */
    static final int ENTRY_OVERHEAD = 48;
    private static final long DEFAULT_SAMPLES = 5;

    private final CommandContext ctx;

    MemoryCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        // the container is never run: the dispatcher resolves a subcommand or rejects the arity first
        CommandSpec memory = CommandSpec.builder("memory", -2, (s, a) -> ErrorReply.SYNTAX)
                .categories("slow").group("server").doc("A container for memory diagnostics commands", "4.0.0").build();
        memory.subcommand(CommandSpec.builder("usage", -3, this::usage).flags(READONLY).keys(2, 2, 1)
                .categories("read", "slow").group("server").doc("Estimate the memory usage of a key", "4.0.0").build());
        memory.subcommand(CommandSpec.builder("help", 2, (s, a) -> Help.reply("MEMORY",
                        "USAGE <key> [SAMPLES <count>]",
                        "    Return memory in bytes used by <key> and its value. Nested values are",
                        "    sampled up to <count> times (default: 5, 0 means sample all)."))
                .flags(LOADING, STALE).categories("slow").group("server")
                .doc("Show helpful text about the different subcommands", "4.0.0").build());
        t.add(memory);
    }

    private Reply usage(Session s, byte[][] a) {
        long samples = DEFAULT_SAMPLES;
        for (int i = 3; i < a.length; i++) {
            if (Args.is(a[i], "samples") && i + 1 < a.length) {
                samples = Args.parseLong(a[++i]);
                if (samples == Args.INVALID) {
                    return ErrorReply.NOT_INTEGER;
                }
                if (samples < 0) {
                    return ErrorReply.SYNTAX;
                }
                if (samples == 0) {
                    samples = Long.MAX_VALUE;
                }
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        int db = s.db();
        byte[] key = a[2];
        Entry e = ctx.keyspace().get(db, key);
        if (e == null) {
            return NullReply.BULK;
        }
        long own = ENTRY_OVERHEAD + key.length + e.value().length;
        if (e.type() == ValueType.STRING) {
            return IntegerReply.of(own);
        }
        long count = CollectionMeta.decode(e.value()).count();
        long limit = samples;
        long[] sampled = {0, 0}; // elements, bytes
        ctx.keyspace().elements(db, key, null, null, (element, value) -> {
            sampled[0]++;
            sampled[1] += ENTRY_OVERHEAD + key.length + element.length + value.length;
            return sampled[0] < limit;
        });
        long elements = sampled[0] == 0 ? 0 : sampled[1] / sampled[0] * Math.max(count, sampled[0]);
        return IntegerReply.of(own + elements);
    }
}
