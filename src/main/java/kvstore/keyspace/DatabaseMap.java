package kvstore.keyspace;

import kvstore.storage.DurableFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Which stored database each Redis database index names. SWAPDB exchanges two entries instead of
 * moving any data: the engine keeps every key under the stored database id it was written with, and
 * the keyspace looks indexes up here ({@link MappedDatabases}).
 *
 * <p>On disk ({@code <dir>/databases}): one ASCII line, the stored id of database 0, 1, ... in order,
 * separated by single spaces, ending with a newline; for example {@code "1 0 2 3\n"} after
 * {@code SWAPDB 0 1} with four databases. No file means every index names its own id. A swap replaces
 * the file durably ({@link DurableFiles}) and only then takes effect, so a crash leaves the old map or
 * the new one, and an acknowledged SWAPDB survives.
 */
public final class DatabaseMap {
    private final Path file;
    private volatile int[] stored;

    private DatabaseMap(Path file, int[] stored) {
        this.file = file;
        this.stored = stored;
    }

    /** A map kept nowhere (data that does not outlive the process), every index naming its own id. */
    public static DatabaseMap inMemory(int databases) {
        return new DatabaseMap(null, identity(databases));
    }

    /**
     * The map stored at {@code file}, for {@code databases} databases. When the engine kept no data from
     * an earlier run ({@code keptData} false) a leftover file is dropped: there is nothing to map.
     */
    public static DatabaseMap open(Path file, int databases, boolean keptData) throws IOException {
        if (!keptData || !Files.exists(file)) {
            Files.deleteIfExists(file);
            return new DatabaseMap(file, identity(databases));
        }
        int[] stored = parse(file, Files.readString(file, StandardCharsets.US_ASCII));
        if (stored.length != databases && !Arrays.equals(stored, identity(stored.length))) {
            throw new IOException(file + " maps " + stored.length + " swapped databases but databases is "
                    + databases + ": set databases back to " + stored.length);
        }
        return new DatabaseMap(file, stored.length == databases ? stored : identity(databases));
    }

    private static int[] parse(Path file, String text) throws IOException {
        String[] parts = text.strip().split(" ");
        int[] stored = new int[parts.length];
        boolean[] seen = new boolean[parts.length];
        for (int i = 0; i < parts.length; i++) {
            int id;
            try {
                id = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IOException(file + " is not a database map: '" + text.strip() + "'");
            }
            if (id < 0 || id >= parts.length || seen[id]) {
                throw new IOException(file + " is not a permutation of the database ids: '" + text.strip() + "'");
            }
            seen[id] = true;
            stored[i] = id;
        }
        return stored;
    }

    private static int[] identity(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }

    /** The stored id that database index {@code db} names. */
    public int stored(int db) {
        return stored[db];
    }

    /** True if some index names another id than its own (SWAPDB has been used). */
    public boolean swapped() {
        return !Arrays.equals(stored, identity(stored.length));
    }

    /** Makes index {@code a} name what {@code b} named and the reverse, durably before it takes effect. */
    public synchronized void swap(int a, int b) throws IOException {
        int[] next = stored.clone();
        next[a] = stored[b];
        next[b] = stored[a];
        if (file != null) {
            write(next);
        }
        stored = next;
    }

    private void write(int[] ids) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : " ").append(ids[i]);
        }
        DurableFiles.replace(file, sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
    }
}
