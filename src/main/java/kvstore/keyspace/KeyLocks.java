package kvstore.keyspace;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks over (database, key). A writer holds the stripes of every key it touches, taken in
 * stripe order so two multi-key commands cannot deadlock. Readers take no lock.
 */
public final class KeyLocks {
    private static final int STRIPES = 1024;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public KeyLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    public static int stripe(int db, byte[] key) {
        int h = Arrays.hashCode(key) * 31 + db;
        h ^= h >>> 16;
        return h & (STRIPES - 1);
    }

    public void lock(int stripe) {
        stripes[stripe].lock();
    }

    public void unlock(int stripe) {
        stripes[stripe].unlock();
    }

    /** Sorts and de-duplicates stripe numbers in place; returns how many distinct ones lead the array. */
    public static int normalise(int[] stripeIds, int n) {
        Arrays.sort(stripeIds, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct == 0 || stripeIds[distinct - 1] != stripeIds[i]) {
                stripeIds[distinct++] = stripeIds[i];
            }
        }
        return distinct;
    }
}
