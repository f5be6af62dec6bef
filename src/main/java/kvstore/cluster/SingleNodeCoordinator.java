package kvstore.cluster;

import kvstore.keyspace.Entry;
import kvstore.keyspace.KeyLocks;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.storage.Engine;
import kvstore.storage.EngineCursor;
import kvstore.storage.StorageKey;
import kvstore.version.SiblingSet;
import kvstore.version.Version;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The coordinator of a ring of one node (N=1, R=1, W=1): every key's only replica is the local
 * engine, called directly on the caller's thread with no serialisation.
 *
 * <p>Each write is a new version whose context is everything this node has seen of the key, so it
 * supersedes the previous one exactly as a plain Redis write does. With no other replica to tell, a
 * delete or an expired key is dropped from the engine at once instead of leaving a tombstone.
 */
public final class SingleNodeCoordinator implements Keyspace {
    private final Engine engine;
    private final long actor;
    private final KeyLocks locks = new KeyLocks();
    private final DbCounters[] counters;
    private final ExpiryIndex expiries = new ExpiryIndex();
    private final AtomicBoolean activeExpire = new AtomicBoolean(true);
    private final AtomicLong expiredKeys = new AtomicLong();

    public SingleNodeCoordinator(Engine engine, long actor, int databases) {
        this.engine = engine;
        this.actor = actor;
        this.counters = new DbCounters[databases];
        for (int i = 0; i < databases; i++) {
            counters[i] = new DbCounters();
        }
    }

    @Override
    public Entry get(int db, byte[] key) {
        byte[] sk = storageKey(db, key);
        SiblingSet set = engine.get(sk);
        if (set == null) {
            return null;
        }
        Version v = set.winner();
        if (v.isTombstone()) {
            return null;
        }
        if (v.isExpiredAt(System.currentTimeMillis())) {
            reclaimIfExpired(db, key, sk);
            return null;
        }
        return new Entry(ValueType.byId(v.type()), v.value(), v.expireAt(), v.timestamp());
    }

    @Override
    public void put(int db, byte[] key, Entry entry) {
        byte[] sk = storageKey(db, key);
        int stripe = KeyLocks.stripe(db, key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(sk);
            Version previous = current == null ? null : current.winner();
            SiblingSet next = SiblingSet.write(current, current == null ? null : current.clock(), actor,
                    System.currentTimeMillis(), entry.expireAt(), entry.type().id(), entry.value());
            engine.put(sk, next);
            DbCounters c = counters[db];
            if (previous == null || previous.isTombstone()) {
                c.keys.incrementAndGet();
            } else {
                forgetExpiry(c, previous.expireAt(), sk);
            }
            if (entry.hasExpiry()) {
                c.expires.incrementAndGet();
                c.expireAtSum.addAndGet(entry.expireAt());
                expiries.add(entry.expireAt(), sk);
            }
        } finally {
            locks.unlock(stripe);
        }
    }

    @Override
    public boolean delete(int db, byte[] key) {
        byte[] sk = storageKey(db, key);
        int stripe = KeyLocks.stripe(db, key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(sk);
            if (current == null || current.winner().isTombstone()) {
                return false;
            }
            Version v = current.winner();
            drop(db, sk, v);
            return !v.isExpiredAt(System.currentTimeMillis());
        } finally {
            locks.unlock(stripe);
        }
    }

    private void drop(int db, byte[] sk, Version v) {
        engine.remove(sk);
        DbCounters c = counters[db];
        c.keys.decrementAndGet();
        forgetExpiry(c, v.expireAt(), sk);
    }

    private void forgetExpiry(DbCounters c, long expireAt, byte[] sk) {
        if (expireAt != Version.NO_EXPIRY) {
            c.expires.decrementAndGet();
            c.expireAtSum.addAndGet(-expireAt);
            expiries.remove(expireAt, sk);
        }
    }

    /** Drops {@code key} if it is still expired once its lock is held; true if it was dropped. */
    private boolean reclaimIfExpired(int db, byte[] key, byte[] sk) {
        int stripe = KeyLocks.stripe(db, key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(sk);
            if (current == null) {
                return false;
            }
            Version v = current.winner();
            if (!v.isTombstone() && v.isExpiredAt(System.currentTimeMillis())) {
                drop(db, sk, v);
                expiredKeys.incrementAndGet();
                return true;
            }
            return false;
        } finally {
            locks.unlock(stripe);
        }
    }

    /**
     * One round of background expiry: reclaims expired keys, earliest first, until none is left or the
     * time budget is spent. Returns how many keys it reclaimed.
     */
    public int expireCycle(long budgetNanos) {
        if (!activeExpire.get()) {
            return 0;
        }
        long deadline = System.nanoTime() + budgetNanos;
        int reclaimed = 0;
        ExpiryIndex.Item item;
        while (System.nanoTime() < deadline && (item = expiries.pollExpired(System.currentTimeMillis())) != null) {
            byte[] sk = item.storageKey();
            if (reclaimIfExpired(StorageKey.db(sk), StorageKey.userKey(sk), sk)) {
                reclaimed++;
            }
        }
        return reclaimed;
    }

    @Override
    public long actorId() {
        return actor;
    }

    @Override
    public long expiredKeys() {
        return expiredKeys.get();
    }

    @Override
    public void setActiveExpire(boolean enabled) {
        activeExpire.set(enabled);
    }

    @Override
    public long size(int db) {
        return counters[db].keys.get();
    }

    @Override
    public long expiresCount(int db) {
        return counters[db].expires.get();
    }

    @Override
    public long averageTtl(int db) {
        DbCounters c = counters[db];
        long n = c.expires.get();
        if (n <= 0) {
            return 0;
        }
        long avg = c.expireAtSum.get() / n - System.currentTimeMillis();
        return Math.max(0, avg);
    }

    @Override
    public ScanPage scan(int db, long cursor, int count) {
        List<byte[]> keys = new ArrayList<>();
        int slot = (int) cursor;
        long now = System.currentTimeMillis();
        while (slot < KeySlot.SLOTS && keys.size() < count) {
            try (EngineCursor c = engine.range(StorageKey.slotStart(slot), StorageKey.slotStart(slot + 1))) {
                while (c.next()) {
                    byte[] sk = c.key();
                    if (StorageKey.db(sk) == db && StorageKey.isKeyEntry(sk) && isLive(c.value(), now)) {
                        keys.add(StorageKey.userKey(sk));
                    }
                }
            }
            slot++;
        }
        return new ScanPage(slot >= KeySlot.SLOTS ? 0 : slot, keys);
    }

    private static boolean isLive(SiblingSet set, long now) {
        Version v = set.winner();
        return !v.isTombstone() && !v.isExpiredAt(now);
    }

    @Override
    public void forEachKey(int db, Consumer<byte[]> action) {
        long now = System.currentTimeMillis();
        try (EngineCursor c = engine.range(StorageKey.slotStart(0), null)) {
            while (c.next()) {
                byte[] sk = c.key();
                if (StorageKey.db(sk) == db && StorageKey.isKeyEntry(sk) && isLive(c.value(), now)) {
                    action.accept(StorageKey.userKey(sk));
                }
            }
        }
    }

    @Override
    public byte[] randomKey(int db) {
        if (counters[db].keys.get() <= 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(KeySlot.SLOTS);
        byte[] found = firstLiveKey(db, StorageKey.slotStart(start), null);
        return found != null ? found : firstLiveKey(db, StorageKey.slotStart(0), StorageKey.slotStart(start));
    }

    private byte[] firstLiveKey(int db, byte[] from, byte[] to) {
        long now = System.currentTimeMillis();
        try (EngineCursor c = engine.range(from, to)) {
            while (c.next()) {
                byte[] sk = c.key();
                if (StorageKey.db(sk) == db && StorageKey.isKeyEntry(sk) && isLive(c.value(), now)) {
                    return StorageKey.userKey(sk);
                }
            }
        }
        return null;
    }

    @Override
    public void flush(int db) {
        List<byte[]> keys = new ArrayList<>();
        forEachKeyEntry(db, keys::add);
        for (byte[] key : keys) {
            delete(db, key);
        }
    }

    private void forEachKeyEntry(int db, Consumer<byte[]> action) {
        try (EngineCursor c = engine.range(StorageKey.slotStart(0), null)) {
            while (c.next()) {
                byte[] sk = c.key();
                if (StorageKey.db(sk) == db && StorageKey.isKeyEntry(sk)) {
                    action.accept(StorageKey.userKey(sk));
                }
            }
        }
    }

    @Override
    public void sync() {
        engine.sync();
    }

    @Override
    public KeyLocks locks() {
        return locks;
    }

    private static byte[] storageKey(int db, byte[] key) {
        return StorageKey.encode(KeySlot.of(key), db, key);
    }

    private static final class DbCounters {
        final AtomicLong keys = new AtomicLong();
        final AtomicLong expires = new AtomicLong();
        final AtomicLong expireAtSum = new AtomicLong();
    }
}
