package kvstore.cluster;

import java.util.Arrays;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The keys that have an expiry, ordered by expiry time, so that background expiry does work in
 * proportion to what has expired rather than to the size of the keyspace.
 */
final class ExpiryIndex {
    record Item(long expireAt, byte[] storageKey) implements Comparable<Item> {
        @Override
        public int compareTo(Item o) {
            int c = Long.compare(expireAt, o.expireAt);
            return c != 0 ? c : Arrays.compareUnsigned(storageKey, o.storageKey);
        }
    }

    private static final Item FIRST = new Item(Long.MIN_VALUE, new byte[0]);

    private final ConcurrentSkipListSet<Item> items = new ConcurrentSkipListSet<>();

    void add(long expireAt, byte[] storageKey) {
        items.add(new Item(expireAt, storageKey));
    }

    void remove(long expireAt, byte[] storageKey) {
        items.remove(new Item(expireAt, storageKey));
    }

    /** Removes and returns the earliest item if it expired at or before {@code now}, else null. */
    Item pollExpired(long now) {
        while (true) {
            Item first = items.ceiling(FIRST);
            if (first == null || first.expireAt > now) {
                return null;
            }
            if (items.remove(first)) {
                return first;
            }
        }
    }

    void clear() {
        items.clear();
    }
}
