package kvstore.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The server's settings: defaults, overridden by the config file, overridden by the command line,
 * changed at run time by CONFIG SET. Values are kept in their normal form (what CONFIG GET shows).
 */
public final class Config {
    private final Map<String, Setting> settings = Settings.all();
    /** Settings by their {@link Setting#alias}. */
    private final Map<String, Setting> aliases = new java.util.HashMap<>();
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile Path file;

    public Config() {
        for (Setting s : settings.values()) {
            values.put(s.name(), s.defaultValue());
            if (s.alias() != null) {
                aliases.put(s.alias(), s);
            }
        }
    }

    /** The file the settings came from, or null; CONFIG REWRITE writes it. */
    public Path file() {
        return file;
    }

    void setFile(Path file) {
        this.file = file;
    }

    public List<Setting> settings() {
        return Collections.unmodifiableList(new ArrayList<>(settings.values()));
    }

    /** The setting called {@code name} (or by that alias, any case), or null. */
    public Setting setting(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        Setting s = settings.get(n);
        return s != null ? s : aliases.get(n);
    }

    public String get(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no such setting: " + name);
        }
        return v;
    }

    public int getInt(String name) {
        return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(get(name)));
    }

    public long getLong(String name) {
        return Long.parseLong(get(name));
    }

    public boolean getBool(String name) {
        return get(name).equals("yes");
    }

    /** Sets at start-up (file or command line); immutable settings are allowed here. */
    void load(String name, String raw) throws ConfigException {
        Setting s = setting(name);
        if (s == null) {
            throw new ConfigException("Bad directive or wrong number of arguments");
        }
        store(s, raw);
    }

    /** Sets at run time (CONFIG SET). */
    public void set(String name, String raw) throws ConfigException {
        Setting s = setting(name);
        if (s == null) {
            throw new ConfigException("Unknown option");
        }
        if (!s.mutable()) {
            throw new ConfigException("can't set immutable config");
        }
        store(s, raw);
    }

    private void store(Setting s, String raw) throws ConfigException {
        String v;
        try {
            v = s.normalise(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        values.put(s.name(), v);
        for (Consumer<String> l : listeners.getOrDefault(s.name(), List.of())) {
            l.accept(v);
        }
    }

    /**
     * Sets several settings at run time as one change (CONFIG SET with several pairs): every value is
     * checked first, and none is stored if any is refused. Names must already be known and mutable.
     * A refused value throws with Redis's reason and the index of its pair.
     */
    public synchronized void setAll(List<String> names, List<String> raws) throws SetException {
        List<String> normal = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            Setting s = setting(names.get(i));
            try {
                normal.add(s.normalise(raws.get(i)));
            } catch (IllegalArgumentException e) {
                throw new SetException(i, e.getMessage());
            }
        }
        for (int i = 0; i < names.size(); i++) {
            Setting s = setting(names.get(i));
            values.put(s.name(), normal.get(i));
        }
        for (int i = 0; i < names.size(); i++) {
            Setting s = setting(names.get(i));
            for (Consumer<String> l : listeners.getOrDefault(s.name(), List.of())) {
                l.accept(normal.get(i));
            }
        }
    }

    /** A refused value in {@link #setAll}: which pair, and why. */
    public static final class SetException extends Exception {
        private final int index;

        SetException(int index, String reason) {
            super(reason);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** Calls {@code listener} with the new normal form whenever {@code name} changes. */
    public void onChange(String name, Consumer<String> listener) {
        listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(listener);
    }
}
