package kvstore.command;

import kvstore.metrics.CommandStats;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the dispatcher and COMMAND know about a command: name, arity (negative: at least that many
 * arguments), flags, ACL categories, key positions (first, last, step; last -1 means the last
 * argument) and, for container commands such as CLIENT, its subcommands.
 */
public final class CommandSpec {
    private final String name;
    private final int arity;
    private final Set<CommandFlag> flags;
    private final List<String> categories;
    private final int firstKey;
    private final int lastKey;
    private final int keyStep;
    private final String group;
    private final KeyFinder keyFinder;
    private final String summary;
    private final String since;
    private final Command command;
    private final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    private CommandSpec parent;
    private final CommandStats stats = new CommandStats();

    private CommandSpec(Builder b) {
        this.name = b.name;
        this.arity = b.arity;
        this.flags = b.flags;
        this.categories = b.categories;
        this.firstKey = b.firstKey;
        this.lastKey = b.lastKey;
        this.keyStep = b.keyStep;
        this.group = b.group;
        this.keyFinder = b.keyFinder;
        this.summary = b.summary;
        this.since = b.since;
        this.command = b.command;
    }

    public static Builder builder(String name, int arity, Command command) {
        return new Builder(name, arity, command);
    }

    /** The lower-case name; for a subcommand "parent|sub". */
    public String name() {
        return parent == null ? name : parent.name + "|" + name;
    }

    public String shortName() {
        return name;
    }

    public int arity() {
        return arity;
    }

    public Set<CommandFlag> flags() {
        return flags;
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    public List<String> categories() {
        return categories;
    }

    public int firstKey() {
        return firstKey;
    }

    public int lastKey() {
        return lastKey;
    }

    public int keyStep() {
        return keyStep;
    }

    /**
     * The positions of the keys in {@code argv} (argv[0] is the command name): found by the command's
     * {@link KeyFinder} if it has one, else from first/last/step. Null if the arguments do not say.
     */
    int[] keyPositions(byte[][] argv) {
        if (keyFinder != null) {
            return keyFinder.positions(argv);
        }
        if (firstKey <= 0) {
            return null;
        }
        int last = lastKey < 0 ? argv.length + lastKey : Math.min(lastKey, argv.length - 1);
        int step = Math.max(1, keyStep);
        int n = last < firstKey ? 0 : (last - firstKey) / step + 1;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = firstKey + i * step;
        }
        return n == 0 ? null : out;
    }

    /** True if the command names keys, at fixed positions or found from its arguments. */
    boolean hasKeys() {
        return firstKey > 0 || keyFinder != null;
    }

    public String group() {
        return group;
    }

    public String summary() {
        return summary;
    }

    public String since() {
        return since;
    }

    public Command command() {
        return command;
    }

    public CommandSpec parent() {
        return parent;
    }

    public Map<String, CommandSpec> subcommands() {
        return subcommands;
    }

    public CommandStats stats() {
        return stats;
    }

    public CommandSpec subcommand(CommandSpec sub) {
        sub.parent = this;
        subcommands.put(sub.name, sub);
        return this;
    }

    public CommandSpec findSubcommand(byte[] name) {
        return subcommands.get(new String(name, java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    /** True if an invocation with {@code argc} words (the name included) has a valid count. */
    public boolean arityAccepts(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    public static final class Builder {
        private final String name;
        private final int arity;
        private final Command command;
        private final Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        private List<String> categories = List.of();
        private int firstKey;
        private int lastKey;
        private int keyStep;
        private String group = "generic";
        private KeyFinder keyFinder;
        private String summary = "";
        private String since = "1.0.0";

        private Builder(String name, int arity, Command command) {
            this.name = name.toLowerCase(Locale.ROOT);
            this.arity = arity;
            this.command = command;
        }

        public Builder flags(CommandFlag... f) {
            flags.addAll(List.of(f));
            return this;
        }

        /** ACL categories without the leading '@', e.g. "write", "string", "slow". */
        public Builder categories(String... c) {
            categories = List.of(c);
            return this;
        }

        public Builder keys(int first, int last, int step) {
            firstKey = first;
            lastKey = last;
            keyStep = step;
            return this;
        }

        /** Keys found from the arguments (see {@link KeyFinder}); COMMAND GETKEYS uses it. */
        public Builder keyFinder(KeyFinder f) {
            keyFinder = f;
            return this;
        }

        public Builder group(String g) {
            group = g;
            return this;
        }

        public Builder doc(String summaryText, String sinceVersion) {
            summary = summaryText;
            since = sinceVersion;
            return this;
        }

        public CommandSpec build() {
            return new CommandSpec(this);
        }
    }
}
