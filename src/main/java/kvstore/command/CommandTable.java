package kvstore.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every command the server knows, found by name case-insensitively. Lookup runs once per request, so
 * it hashes the name bytes folded to lower case instead of building a String.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new HashMap<>();
    private Entry[] buckets = new Entry[512];

    private record Entry(byte[] lowerName, CommandSpec spec, Entry next) {
    }

    public void add(CommandSpec spec) {
        String name = spec.shortName();
        if (byName.putIfAbsent(name, spec) != null) {
            throw new IllegalStateException("command registered twice: " + name);
        }
        byte[] lower = name.getBytes(StandardCharsets.ISO_8859_1);
        int b = hash(lower) & (buckets.length - 1);
        buckets[b] = new Entry(lower, spec, buckets[b]);
    }

    /** The command named by {@code name} in any letter case, or null. */
    public CommandSpec lookup(byte[] name) {
        for (Entry e = buckets[hash(name) & (buckets.length - 1)]; e != null; e = e.next) {
            if (equalsLower(e.lowerName, name)) {
                return e.spec;
            }
        }
        return null;
    }

    public CommandSpec get(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    private static int hash(byte[] name) {
        int h = 0;
        for (byte c : name) {
            h = 31 * h + toLower(c);
        }
        return h ^ (h >>> 16);
    }

    private static boolean equalsLower(byte[] lower, byte[] name) {
        if (lower.length != name.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (lower[i] != toLower(name[i])) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
