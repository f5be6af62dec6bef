package kvstore.command;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys WATCHed by any connection, and by whom, so that a write command can mark the transactions
 * watching what it changed (Redis's touchWatchedKey). Empty in the common case, and then a write pays
 * one look at the map's size ({@link #any}).
 */
final class WatchedKeys {
    private record Key(int db, ByteBuffer key) {
    }

    private final Map<Key, Set<Transaction>> watchers = new ConcurrentHashMap<>();

    boolean any() {
        return !watchers.isEmpty();
    }

    void add(int db, byte[] key, Transaction t) {
        watchers.computeIfAbsent(new Key(db, ByteBuffer.wrap(key)), k -> ConcurrentHashMap.newKeySet()).add(t);
    }

    void remove(int db, byte[] key, Transaction t) {
        watchers.computeIfPresent(new Key(db, ByteBuffer.wrap(key)), (k, set) -> {
            set.remove(t);
            return set.isEmpty() ? null : set;
        });
    }

    /** The keys of {@code db} that some transaction watches. */
    List<byte[]> keysIn(int db) {
        List<byte[]> keys = new ArrayList<>();
        for (Key k : watchers.keySet()) {
            if (k.db == db) {
                keys.add(k.key.array());
            }
        }
        return keys;
    }

    /** {@code key} of {@code db} was changed by a command: every transaction watching it fails at EXEC. */
    void touch(int db, byte[] key) {
        Set<Transaction> set = watchers.get(new Key(db, ByteBuffer.wrap(key)));
        if (set != null) {
            for (Transaction t : set) {
                t.touched();
            }
        }
    }
}
