package kvstore.command;

import kvstore.config.Glob;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.STALE;

/**
 * COMMAND [COUNT | INFO | DOCS | LIST | GETKEYS | HELP], built from the command table in Redis 7.0's
 * reply shapes. Key specs are derived from each spec's first/last/step positions; COMMAND DOCS has
 * summary, since and group (kvstore keeps no complexity or argument docs).
 */
final class CommandCommand {
    /** Redis's ACL category order, which COMMAND INFO follows. */
    private static final List<String> CATEGORY_ORDER = List.of("keyspace", "read", "write", "set", "sortedset",
            "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
            "blocking", "dangerous", "connection", "transaction", "scripting");

    private final CommandContext ctx;

    CommandCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        CommandSpec command = CommandSpec.builder("command", -1, this::all).flags(LOADING, STALE)
                .categories("slow", "connection").group("server").doc("Get array of Redis command details", "2.8.13").build();
        command.subcommand(sub("count", 2, this::count, "Get total number of Redis commands", "2.8.13"));
        command.subcommand(sub("list", -2, this::list, "Get an array of Redis command names", "7.0.0"));
        command.subcommand(sub("info", -2, this::info,
                "Get array of specific Redis command details, or all when no argument is given.", "2.8.13"));
        command.subcommand(sub("docs", -2, this::docs, "Get array of specific Redis command documentation", "7.0.0"));
        command.subcommand(sub("getkeys", -4, this::getKeys, "Extract keys given a full Redis command", "2.8.13"));
        command.subcommand(sub("help", 2, this::help, "Show helpful text about the different subcommands", "5.0.0"));
        t.add(command);
    }

    private static CommandSpec sub(String name, int arity, Command c, String summary, String since) {
        return CommandSpec.builder(name, arity, c).flags(LOADING, STALE).categories("slow", "connection")
                .group("server").doc(summary, since).build();
    }

    /** COMMAND alone; with a subcommand the dispatcher runs that subcommand instead. */
    private Reply all(Session s, byte[][] a) {
        List<Reply> out = new ArrayList<>();
        for (CommandSpec spec : ctx.table().all()) {
            out.add(info(spec));
        }
        return ArrayReply.of(out);
    }

    private Reply count(Session s, byte[][] a) {
        return IntegerReply.of(ctx.table().all().size());
    }

    /** "get" or "client|list" (any case); null if unknown. */
    private CommandSpec find(String fullName) {
        int bar = fullName.indexOf('|');
        if (bar < 0) {
            return ctx.table().get(fullName);
        }
        CommandSpec parent = ctx.table().get(fullName.substring(0, bar));
        return parent == null ? null : parent.findSubcommand(fullName.substring(bar + 1).getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private Reply info(Session s, byte[][] a) {
        if (a.length == 2) {
            return all(s, a);
        }
        List<Reply> out = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
            CommandSpec spec = find(Args.str(a[i]));
            out.add(spec == null ? NullReply.BULK : info(spec));
        }
        return ArrayReply.of(out);
    }

    /** One COMMAND INFO entry: name, arity, flags, first, last, step, categories, tips, key specs, subcommands. */
    static Reply info(CommandSpec spec) {
        List<Reply> flags = new ArrayList<>();
        for (CommandFlag f : spec.flags()) {
            flags.add(new SimpleReply(f.redisName()));
        }
        List<Reply> cats = new ArrayList<>();
        for (String c : categories(spec)) {
            cats.add(new SimpleReply("@" + c));
        }
        List<Reply> subs = new ArrayList<>();
        for (CommandSpec sub : spec.subcommands().values()) {
            subs.add(info(sub));
        }
        return ArrayReply.of(BulkReply.of(spec.name()), IntegerReply.of(spec.arity()), ArrayReply.set(flags),
                IntegerReply.of(spec.firstKey()), IntegerReply.of(spec.lastKey()), IntegerReply.of(spec.keyStep()),
                ArrayReply.set(cats), ArrayReply.EMPTY_SET, ArrayReply.set(keySpecs(spec)),
                spec.subcommands().isEmpty() ? ArrayReply.EMPTY_SET : ArrayReply.of(subs));
    }

    /** Declared categories plus the ones Redis implies from the flags, in Redis's order. */
    static List<String> categories(CommandSpec spec) {
        Set<String> cats = new LinkedHashSet<>(spec.categories());
        if (spec.parent() != null || spec.subcommands().isEmpty()) {
            if (spec.has(CommandFlag.WRITE)) {
                cats.add("write");
            }
            if (spec.has(CommandFlag.READONLY)) {
                cats.add("read");
            }
            if (spec.has(CommandFlag.ADMIN)) {
                cats.add("admin");
                cats.add("dangerous");
            }
            if (spec.has(CommandFlag.PUBSUB)) {
                cats.add("pubsub");
            }
            if (spec.has(CommandFlag.FAST)) {
                cats.add("fast");
            }
            if (spec.has(CommandFlag.BLOCKING)) {
                cats.add("blocking");
            }
            if (!spec.has(CommandFlag.FAST)) {
                cats.add("slow");
            }
        }
        List<String> out = new ArrayList<>();
        for (String c : CATEGORY_ORDER) {
            if (cats.contains(c)) {
                out.add(c);
            }
        }
        for (String c : cats) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** One range key spec from first/last/step; flags only say read-only or read-write. */
    private static List<Reply> keySpecs(CommandSpec spec) {
        if (spec.firstKey() <= 0) {
            return List.of();
        }
        List<Reply> flags = new ArrayList<>();
        if (spec.has(CommandFlag.WRITE)) {
            flags.add(new SimpleReply("RW"));
            flags.add(new SimpleReply("update"));
        } else {
            flags.add(new SimpleReply("RO"));
            flags.add(new SimpleReply("access"));
        }
        int last = spec.lastKey() < 0 ? spec.lastKey() : spec.lastKey() - spec.firstKey();
        Reply begin = ArrayReply.map(List.of(BulkReply.of("type"), BulkReply.of("index"), BulkReply.of("spec"),
                ArrayReply.map(List.of(BulkReply.of("index"), IntegerReply.of(spec.firstKey())))));
        Reply find = ArrayReply.map(List.of(BulkReply.of("type"), BulkReply.of("range"), BulkReply.of("spec"),
                ArrayReply.map(List.of(BulkReply.of("lastkey"), IntegerReply.of(last), BulkReply.of("keystep"),
                        IntegerReply.of(Math.max(1, spec.keyStep())), BulkReply.of("limit"), IntegerReply.of(0)))));
        return List.of(ArrayReply.map(List.of(BulkReply.of("flags"), ArrayReply.set(flags),
                BulkReply.of("begin_search"), begin, BulkReply.of("find_keys"), find)));
    }

    private Reply docs(Session s, byte[][] a) {
        List<Reply> out = new ArrayList<>();
        if (a.length == 2) {
            for (CommandSpec spec : ctx.table().all()) {
                out.add(BulkReply.of(spec.name()));
                out.add(docs(spec));
            }
        } else {
            for (int i = 2; i < a.length; i++) {
                CommandSpec spec = find(Args.str(a[i]));
                if (spec != null) {
                    out.add(BulkReply.of(spec.name()));
                    out.add(docs(spec));
                }
            }
        }
        return ArrayReply.map(out);
    }

    /** The docs map: summary, since, group and, for containers, the subcommands' docs. */
    static Reply docs(CommandSpec spec) {
        List<Reply> m = new ArrayList<>();
        if (!spec.summary().isEmpty()) {
            m.add(BulkReply.of("summary"));
            m.add(BulkReply.of(spec.summary()));
        }
        m.add(BulkReply.of("since"));
        m.add(BulkReply.of(spec.since()));
        m.add(BulkReply.of("group"));
        m.add(BulkReply.of(spec.group()));
        if (!spec.subcommands().isEmpty()) {
            List<Reply> subs = new ArrayList<>();
            for (CommandSpec sub : spec.subcommands().values()) {
                subs.add(BulkReply.of(sub.name()));
                subs.add(docs(sub));
            }
            m.add(BulkReply.of("subcommands"));
            m.add(ArrayReply.map(subs));
        }
        return ArrayReply.map(m);
    }

    private Reply list(Session s, byte[][] a) {
        String type = null;
        String arg = null;
        for (int i = 2; i < a.length; i++) {
            if (Args.is(a[i], "filterby") && a.length - 1 - i == 2) {
                if (Args.is(a[i + 1], "module") || Args.is(a[i + 1], "aclcat") || Args.is(a[i + 1], "pattern")) {
                    type = Args.str(a[i + 1]).toLowerCase(java.util.Locale.ROOT);
                } else {
                    return ErrorReply.SYNTAX;
                }
                arg = Args.str(a[i + 2]);
                i += 2;
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        List<Reply> out = new ArrayList<>();
        addNames(out, ctx.table().all(), type, arg);
        return ArrayReply.of(out);
    }

    private void addNames(List<Reply> out, Collection<CommandSpec> specs, String type, String arg) {
        for (CommandSpec spec : specs) {
            boolean keep = type == null
                    || (type.equals("aclcat") && categories(spec).contains(arg.toLowerCase(java.util.Locale.ROOT)))
                    || (type.equals("pattern") && Glob.matches(arg, spec.name(), true));
            // FILTERBY MODULE matches nothing: kvstore has no modules
            if (keep) {
                out.add(BulkReply.of(spec.name()));
            }
            addNames(out, spec.subcommands().values(), type, arg);
        }
    }

    private Reply getKeys(Session s, byte[][] a) {
        CommandSpec spec = ctx.table().lookup(a[2]);
        if (spec != null && !spec.subcommands().isEmpty() && a.length > 3) {
            spec = spec.findSubcommand(a[3]);
        }
        if (spec == null) {
            return ErrorReply.err("Invalid command specified");
        }
        if (!spec.hasKeys()) {
            return ErrorReply.err("The command has no key arguments");
        }
        byte[][] argv = java.util.Arrays.copyOfRange(a, 2, a.length);
        if (!spec.arityAccepts(argv.length)) {
            return ErrorReply.err("Invalid number of arguments specified for command");
        }
        int[] positions = spec.keyPositions(argv);
        if (positions == null) {
            return ErrorReply.err("Invalid arguments specified for command");
        }
        List<Reply> keys = new ArrayList<>(positions.length);
        for (int p : positions) {
            keys.add(new BulkReply(argv[p]));
        }
        return ArrayReply.of(keys);
    }

    private Reply help(Session s, byte[][] a) {
        return Help.reply("COMMAND",
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.");
    }
}
