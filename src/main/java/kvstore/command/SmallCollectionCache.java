package kvstore.command;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {element, value} pairs of small collections as last read, kept across commands while their key
 * does not change ({@link kvstore.keyspace.Keyspace#changes}).
 *
 * <p>Why: a uniform random pick from a small collection (SPOP, SRANDMEMBER, HRANDFIELD) walks it, and
 * the walk also steps over every element removed since the engine last compacted that range (their
 * tombstones and the values they hide). A set drained by SPOP after its members were flushed leaves
 * as many tombstones as it had members, so without this each of its last picks would walk them all.
 *
 * <p>Bounded by bytes (element and value lengths plus a fixed overhead per pair), least recently
 * used out first. Thread-safe; the lists held are never changed.
 */
final class SmallCollectionCache {
    private static final long BUDGET = 16 << 20;
    private static final long MAX_ENTRY = BUDGET / 16;
    private static final int PAIR_OVERHEAD = 64;

    private record Key(int db, ByteBuffer key) {
    }

    private record Pairs(long changes, List<byte[][]> pairs, long bytes) {
    }

    private final Map<Key, Pairs> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    /** The pairs kept for the key at {@code changes}, or null. */
    synchronized List<byte[][]> get(int db, byte[] key, long changes) {
        Pairs p = map.get(new Key(db, ByteBuffer.wrap(key)));
        return p == null || p.changes != changes ? null : p.pairs;
    }

    /** Keeps {@code pairs} (not to be changed afterwards) as the key's content at {@code changes}. */
    synchronized void put(int db, byte[] key, long changes, List<byte[][]> pairs) {
        long size = 0;
        for (byte[][] p : pairs) {
            size += PAIR_OVERHEAD + p[0].length + p[1].length;
        }
        Key k = new Key(db, ByteBuffer.wrap(key.clone()));
        Pairs old = size > MAX_ENTRY ? map.remove(k) : map.put(k, new Pairs(changes, pairs, size));
        if (old != null) {
            bytes -= old.bytes;
        }
        if (size > MAX_ENTRY) {
            return;
        }
        bytes += size;
        for (Iterator<Pairs> it = map.values().iterator(); bytes > BUDGET && it.hasNext(); ) {
            bytes -= it.next().bytes;
            it.remove();
        }
    }
}
