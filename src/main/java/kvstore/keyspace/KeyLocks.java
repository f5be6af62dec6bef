package kvstore.keyspace;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks over keys. A writer holds the stripes of every key it touches, taken in stripe order
 * so two multi-key commands cannot deadlock. Readers take no lock.
 *
 * <p>A key's stripe does not depend on its database: a command locks by the Redis database index and
 * the storage below it by the stored database id, which differ once SWAPDB has exchanged two
 * ({@link DatabaseMap}), and both must land on the same stripe (one lock, taken again reentrantly)
 * rather than on two, taken in no agreed order.
 */
public final class KeyLocks {
    private static final int STRIPES = 1024;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final AtomicLongArray changes = new AtomicLongArray(STRIPES);

    public KeyLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The stripe of {@code key}, in whichever database (see the class comment). */
    public static int stripe(byte[] key) {
        return stripe(key, 0, key.length);
    }

    /** As {@link #stripe(byte[])} for the key in {@code buf[from, to)}, without copying it. */
    public static int stripe(byte[] buf, int from, int to) {
        int h = 1; // Arrays.hashCode's
        for (int i = from; i < to; i++) {
            h = 31 * h + buf[i];
        }
        h ^= h >>> 16;
        return h & (STRIPES - 1);
    }

    /**
     * Counts a change to a key of {@code stripe}, made by a holder of the stripe after making it. Only
     * the stripe's holder writes its count, so a plain read and an ordered write do (no atomic add on
     * every write's path).
     */
    public void changed(int stripe) {
        changes.setRelease(stripe, changes.getPlain(stripe) + 1);
    }

    /**
     * The changes counted so far for the stripe of {@code key}: two equal readings mean the key did not
     * change in between, in any database (a change to another key of the stripe makes them differ too).
     */
    public long changes(byte[] key) {
        return changes.get(stripe(key));
    }

    /** Takes every stripe, in order: the caller then runs alone among writers (SWAPDB). */
    public void lockAll() {
        for (ReentrantLock l : stripes) {
            l.lock();
        }
    }

    /** Releases what {@link #lockAll} took, counting a change on every stripe: any key may read differently now. */
    public void changedAllAndUnlock() {
        for (int i = STRIPES - 1; i >= 0; i--) {
            changed(i);
            stripes[i].unlock();
        }
    }

    /** Every stripe in order, for a transaction that locks all of them ({@link #lockAll}'s order). */
    public static int[] allStripes() {
        int[] all = new int[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            all[i] = i;
        }
        return all;
    }

    public void lock(int stripe) {
        stripes[stripe].lock();
    }

    /** Takes the stripe if no one holds it (or the caller already does); false otherwise. */
    public boolean tryLock(int stripe) {
        return stripes[stripe].tryLock();
    }

    public void unlock(int stripe) {
        stripes[stripe].unlock();
    }

    /**
     * Takes stripe {@code extra} as well while the caller already holds the distinct, sorted stripes
     * {@code held[0..n)} (as the dispatcher takes them), without breaking the global stripe order that
     * keeps writers deadlock-free: the held stripes above {@code extra} are released, {@code extra} is
     * taken, and they are taken again in order. Call it before reading anything under the held locks,
     * since they are briefly let go. Returns false (and takes nothing) if {@code extra} is already held;
     * otherwise the caller must {@link #unlock} it when done.
     */
    public boolean lockAlso(int extra, int[] held, int n) {
        int above = n;
        for (int i = 0; i < n; i++) {
            if (held[i] == extra) {
                return false;
            }
            if (held[i] > extra && above == n) {
                above = i;
            }
        }
        for (int i = n - 1; i >= above; i--) {
            stripes[held[i]].unlock();
        }
        stripes[extra].lock();
        for (int i = above; i < n; i++) {
            stripes[held[i]].lock();
        }
        return true;
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
