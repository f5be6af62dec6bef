package kvstore.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration setting: its name, how a value is parsed and normalised (the normal form is what
 * CONFIG GET shows), its default, and whether CONFIG SET may change it while the server runs.
 */
public final class Setting {
    private final String name;
    private final String defaultValue;
    private final boolean mutable;
    private final boolean sensitive;
    private final Function<String, String> normaliser;
    /** Redis's older name for the setting (e.g. hash-max-ziplist-entries), or null. */
    private final String alias;

    private Setting(String name, String defaultValue, boolean mutable, boolean sensitive,
                    Function<String, String> normaliser, String alias) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.mutable = mutable;
        this.sensitive = sensitive;
        this.normaliser = normaliser;
        this.alias = alias;
    }

    private Setting(String name, String defaultValue, boolean mutable, boolean sensitive,
                    Function<String, String> normaliser) {
        this(name, defaultValue, mutable, sensitive, normaliser, null);
    }

    public String name() {
        return name;
    }

    /** The setting's other name, which Redis accepts wherever the name is (file, CONFIG GET and SET), or null. */
    public String alias() {
        return alias;
    }

    /** This setting, also known as {@code alias}. */
    Setting alias(String alias) {
        return new Setting(name, defaultValue, mutable, sensitive, normaliser, alias);
    }

    public String defaultValue() {
        return defaultValue;
    }

    public boolean mutable() {
        return mutable;
    }

    /** True for secrets, which CONFIG REWRITE writes but logs never show. */
    public boolean sensitive() {
        return sensitive;
    }

    /** The normal form of {@code raw}; throws {@link IllegalArgumentException} with Redis's reason. */
    public String normalise(String raw) {
        return normaliser.apply(raw);
    }

    public static Setting bool(String name, boolean def, boolean mutable) {
        return new Setting(name, def ? "yes" : "no", mutable, false, v -> {
            String l = v.toLowerCase(Locale.ROOT);
            if (l.equals("yes") || l.equals("no")) {
                return l;
            }
            throw new IllegalArgumentException("argument must be 'yes' or 'no'");
        });
    }

    public static Setting integer(String name, long def, long min, long max, boolean mutable) {
        return new Setting(name, Long.toString(def), mutable, false, v -> {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("argument couldn't be parsed into an integer");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
            }
            return Long.toString(n);
        });
    }

    /** A size in bytes, written with Redis's units (1k = 1000, 1kb = 1024, and m/mb, g/gb). */
    public static Setting memory(String name, long def, long min, long max, boolean mutable) {
        return new Setting(name, Long.toString(def), mutable, false, v -> {
            long n = parseMemory(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
            }
            return Long.toString(n);
        });
    }

    public static Setting oneOf(String name, String def, List<String> allowed, boolean mutable) {
        return new Setting(name, def, mutable, false, v -> {
            String l = v.toLowerCase(Locale.ROOT);
            if (allowed.contains(l)) {
                return l;
            }
            throw new IllegalArgumentException("argument(s) must be one of the following: " + String.join(", ", allowed));
        });
    }

    public static Setting string(String name, String def, boolean mutable) {
        return new Setting(name, def, mutable, false, v -> v);
    }

    public static Setting secret(String name, String def, boolean mutable) {
        return new Setting(name, def, mutable, true, v -> v);
    }

    /** A string checked by {@code check}, which returns the normal form or throws with the reason. */
    public static Setting checked(String name, String def, boolean mutable, Function<String, String> check) {
        return new Setting(name, def, mutable, false, check);
    }

    static long parseMemory(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        long mul = 1;
        String digits = l;
        String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"},
                            {"g", "1000000000"}, {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
        for (String[] u : units) {
            if (l.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                digits = l.substring(0, l.length() - u[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(digits);
            return Math.multiplyExact(n, mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("argument must be a memory value");
        }
    }
}
