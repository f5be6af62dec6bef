package kvstore.command;

import kvstore.config.Config;
import kvstore.config.ConfigRewriter;
import kvstore.config.Glob;
import kvstore.config.Setting;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static kvstore.command.CommandFlag.ADMIN;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.STALE;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP, with Redis 7.0's rules and error texts. */
final class ConfigCommand {
    private final CommandContext ctx;

    ConfigCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        CommandSpec config = CommandSpec.builder("config", -2, null).categories("slow").group("server")
                .doc("A container for server configuration commands", "2.0.0").build();
        config.subcommand(admin("get", -3, this::get, "Get the values of configuration parameters", "2.0.0"));
        config.subcommand(admin("set", -4, this::set, "Set configuration parameters to the given values", "2.0.0"));
        config.subcommand(admin("resetstat", 2, this::resetStat, "Reset the stats returned by INFO", "2.0.0"));
        config.subcommand(admin("rewrite", 2, this::rewrite,
                "Rewrite the configuration file with the in memory configuration", "2.8.0"));
        config.subcommand(CommandSpec.builder("help", 2, this::help).flags(LOADING, STALE).categories("slow")
                .group("server").doc("Show helpful text about the different subcommands", "5.0.0").build());
        t.add(config);
    }

    private static CommandSpec admin(String name, int arity, Command c, String summary, String since) {
        return CommandSpec.builder(name, arity, c).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                .categories("admin", "slow", "dangerous").group("server").doc(summary, since).build();
    }

    private Reply get(Session s, byte[][] a) {
        Config config = ctx.config();
        // keyed by the name as it is shown: an exact name as the client spelt it, as Redis does, and
        // a pattern's matches under each name that matched, the setting's own or its alias
        Map<String, Setting> matched = new LinkedHashMap<>();
        for (int i = 2; i < a.length; i++) {
            String pattern = Args.str(a[i]);
            boolean glob = pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
            if (!glob) {
                Setting exact = config.setting(pattern);
                if (exact != null) {
                    matched.putIfAbsent(pattern, exact);
                }
                continue;
            }
            for (Setting st : config.settings()) {
                if (Glob.matches(pattern, st.name(), true)) {
                    matched.putIfAbsent(st.name(), st);
                }
                if (st.alias() != null && Glob.matches(pattern, st.alias(), true)) {
                    matched.putIfAbsent(st.alias(), st);
                }
            }
        }
        List<Reply> out = new ArrayList<>(matched.size() * 2);
        for (Map.Entry<String, Setting> m : matched.entrySet()) {
            out.add(BulkReply.of(m.getKey()));
            out.add(BulkReply.of(config.get(m.getValue().name())));
        }
        return ArrayReply.map(out);
    }

    private Reply set(Session s, byte[][] a) {
        if (a.length % 2 != 0) {
            return ErrorReply.SYNTAX;
        }
        Config config = ctx.config();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        String unknown = null;
        String error = null;
        String errorArg = null;
        // Redis checks every name before any value: the first unknown name wins, else the first
        // immutable or repeated one.
        for (int i = 2; i < a.length; i += 2) {
            String name = Args.str(a[i]);
            Setting st = config.setting(name);
            if (st == null) {
                if (unknown == null && error == null) {
                    unknown = name;
                }
                continue;
            }
            if (unknown != null || error != null) {
                continue;
            }
            if (!st.mutable()) {
                error = "can't set immutable config";
                errorArg = name;
                continue;
            }
            for (String earlier : names) {
                if (config.setting(earlier) == st) {
                    error = "duplicate parameter";
                    errorArg = name;
                    break;
                }
            }
            names.add(name);
            values.add(new String(a[i + 1], java.nio.charset.StandardCharsets.UTF_8));
        }
        if (unknown != null) {
            return ErrorReply.err("Unknown option or number of arguments for CONFIG SET - '" + unknown + "'");
        }
        if (error != null) {
            return failed(errorArg, error);
        }
        try {
            config.setAll(names, values);
        } catch (Config.SetException e) {
            return failed(names.get(e.index()), e.getMessage());
        }
        return SimpleReply.OK;
    }

    private static ErrorReply failed(String arg, String reason) {
        return ErrorReply.err("CONFIG SET failed (possibly related to argument '" + arg + "') - " + reason);
    }

    private Reply resetStat(Session s, byte[][] a) {
        ctx.stats().reset();
        for (CommandSpec spec : ctx.table().all()) {
            spec.stats().reset();
            for (CommandSpec sub : spec.subcommands().values()) {
                sub.stats().reset();
            }
        }
        return SimpleReply.OK;
    }

    private Reply rewrite(Session s, byte[][] a) {
        if (ctx.config().file() == null) {
            return ErrorReply.err("The server is running without a config file");
        }
        try {
            ConfigRewriter.rewrite(ctx.config());
        } catch (IOException e) {
            return ErrorReply.err("Rewriting config file: " + e.getMessage());
        }
        return SimpleReply.OK;
    }

    private Reply help(Session s, byte[][] a) {
        return Help.reply("CONFIG",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.");
    }
}
