package kvstore.cluster;

import kvstore.keyspace.KeyLocks;
import kvstore.keyspace.ReplyException;
import kvstore.storage.Engine;
import kvstore.storage.EngineCursor;
import kvstore.storage.StorageKey;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * This node's replica of the keys it holds: the storage engine plus what the node keeps beside it
 * (per-database key and expiry counters, the expiry index, the locks that serialise changes of one
 * key). Both coordinators use it: {@link SingleNodeCoordinator} directly, {@link RingCoordinator} for
 * its own copies and for the requests of peers ({@link ReplicaService}).
 *
 * <p>Keys are addressed by their storage key ({@link StorageKey}). Counters count keys whose winning
 * version is a value (expired or not) until background expiry reclaims them.
 *
 * <p><b>Tombstones.</b> With {@code keepTombstones} (the ring) nothing is ever removed from the engine:
 * a delete writes a tombstone version and an expired version stays stored (reads treat it as absent),
 * because another replica that missed the delete or holds an older value would otherwise bring the old
 * value back through read repair, and because removing a key would restart its dot counters. Purging
 * them safely needs anti-entropy, which does not exist yet: in this slice they are never purged.
 * Without it (a single node, N=1) a delete or a reclaimed expired key is removed at once.
 */
public final class LocalReplica {
    private static final byte STRING = kvstore.keyspace.ValueType.STRING.id();
    private static final int ELEMENT_BATCH = 1024;
    private final Engine engine;
    private final long actor;
    private final KeyLocks locks;
    private final boolean keepTombstones;
    private final DbCounters[] counters;
    private final ExpiryIndex expiries = new ExpiryIndex();
    /** Ring only: stored, expired keys already reclaimed from the counters (their data stays). */
    private final Set<ByteBuffer> reclaimed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean activeExpire = new AtomicBoolean(true);
    private final AtomicLong expiredKeys = new AtomicLong();
    private volatile int maxSiblings = Integer.MAX_VALUE;
    /** Ring only: the hash trees of what this replica stores, for anti-entropy. */
    private final MerkleTrees trees;

    /**
     * @param locks the locks serialising changes of one key; a single node shares the command locks
     *              (re-entrant, so a command holding its key's lock pays nothing more), a ring must not,
     *              since commands hold theirs while they wait for peers that may need this node's.
     */
    public LocalReplica(Engine engine, long actor, int databases, KeyLocks locks, boolean keepTombstones) {
        this.engine = engine;
        this.actor = actor;
        this.locks = locks;
        this.keepTombstones = keepTombstones;
        this.trees = keepTombstones ? new MerkleTrees() : null;
        this.counters = new DbCounters[databases];
        for (int i = 0; i < databases; i++) {
            counters[i] = new DbCounters();
        }
    }

    /**
     * Caps the siblings a write may leave: a write that would leave more is refused (the client
     * resolves them with SIBLINGS and a write with their context). Merges from other replicas are
     * never refused, so two partitions may together hold up to twice the cap until resolved.
     */
    public void setMaxSiblings(int max) {
        this.maxSiblings = max;
    }

    /** See {@link kvstore.storage.Engine#flushWrites}. */
    public void flushWrites() {
        engine.flushWrites();
    }

    /** INFO persistence fields of the engine. */
    public java.util.Map<String, String> engineInfo() {
        return engine.info();
    }

    /**
     * Rebuilds the counters and the expiry index from what the engine holds: run once at start-up,
     * before serving, when the engine kept data from an earlier run. Reads every key entry once, and
     * on a ring every entry once more for the hash trees.
     */
    public void recount() {
        keyEntries(StorageKey.slotStart(0), null, (sk, set) -> {
            if (StorageKey.db(sk) < counters.length) {
                account(sk, null, set.winner());
            }
            return true;
        });
        if (trees != null) { // every entry, elements included
            try (EngineCursor c = engine.range(StorageKey.slotStart(0), null)) {
                while (c.next()) {
                    trees.update(c.key(), null, c.value());
                }
            }
        }
    }

    /** Calls {@code action} with every stored entry of {@code slot}, tombstones included, in storage order. */
    void forEachInSlot(int slot, java.util.function.BiConsumer<byte[], SiblingSet> action) {
        try (EngineCursor c = engine.range(StorageKey.slotStart(slot), StorageKey.slotStart(slot + 1))) {
            while (c.next()) {
                action.accept(c.key(), c.value());
            }
        }
    }

    /**
     * Drops this replica's entries of {@code slot}, which it no longer replicates, written before
     * {@code before} (ms); returns how many newer ones it kept (they still need handing off).
     */
    int dropSlot(int slot, long before) {
        List<byte[]> keys = new ArrayList<>();
        int kept = 0;
        try (EngineCursor c = engine.range(StorageKey.slotStart(slot), StorageKey.slotStart(slot + 1))) {
            while (c.next()) {
                if (c.value().newestTimestamp() < before) {
                    keys.add(c.key());
                } else {
                    kept++;
                }
            }
        }
        for (byte[] sk : keys) {
            int stripe = stripeOf(sk);
            locks.lock(stripe);
            try {
                SiblingSet current = engine.get(sk);
                if (current != null && current.newestTimestamp() < before) {
                    delete(stripe, sk);
                    if (trees != null) {
                        trees.update(sk, current, null);
                    }
                    account(sk, current.winner(), null);
                }
            } finally {
                locks.unlock(stripe);
            }
        }
        return kept;
    }

    /** The hash trees of what this replica stores (ring only; null on a single node). */
    MerkleTrees trees() {
        return trees;
    }

    /** Receives key entries from {@link #keyEntries}; returns false to stop the walk. */
    @FunctionalInterface
    private interface KeyEntryVisitor {
        boolean visit(byte[] sk, SiblingSet set);
    }

    /**
     * Walks the key entries (not the elements) with {@code from <= key < to} in storage order. A
     * collection's elements follow its key entry; they are stepped over by reopening the walk after
     * them, so a keyspace walk costs one seek per collection instead of a read per element.
     */
    private void keyEntries(byte[] from, byte[] to, KeyEntryVisitor visitor) {
        byte[] lo = from;
        while (lo != null) {
            byte[] resume = null;
            try (EngineCursor c = engine.range(lo, to)) {
                while (c.next()) {
                    byte[] sk = c.key();
                    if (!StorageKey.isKeyEntry(sk)) {
                        continue;
                    }
                    SiblingSet set = c.value();
                    if (!visitor.visit(sk, set)) {
                        return;
                    }
                    Version w = set.winner();
                    if (!w.isTombstone() && w.type() != STRING) {
                        resume = prefixEnd(sk);
                        break;
                    }
                }
            }
            if (resume == null || (to != null && java.util.Arrays.compareUnsigned(resume, to) >= 0)) {
                return;
            }
            lo = resume;
        }
    }

    public long actor() {
        return actor;
    }

    public static byte[] storageKey(int db, byte[] key) {
        return StorageKey.encode(KeySlot.of(key), db, key);
    }

    /** The stored sibling set of a storage key, or null. */
    public SiblingSet read(byte[] sk) {
        return engine.get(sk);
    }

    public SiblingSet read(int db, byte[] key) {
        return engine.get(storageKey(db, key));
    }

    /** The winning version of a key's stored set (what a plain read answers), or null. */
    public Version readWinner(int db, byte[] key) {
        return engine.getWinner(storageKey(db, key));
    }

    /**
     * Writes a new version coordinated by this node, superseding what {@code context} covers ({@code null}:
     * everything stored here, the plain-Redis-write rule). {@code value == null} writes a tombstone.
     */
    public SiblingSet write(int db, byte[] key, VersionVector context, long expireAt, byte type, byte[] value) {
        return write(storageKey(db, key), KeyLocks.stripe(key), context, expireAt, type, value);
    }

    /** As {@link #write(int, byte[], VersionVector, long, byte, byte[])} for any entry: a key's or an element's. */
    public SiblingSet write(byte[] sk, VersionVector context, long expireAt, byte type, byte[] value) {
        return write(sk, stripeOf(sk), context, expireAt, type, value);
    }

    /** The lock stripe of a storage key: its user key's, so a key and its elements share one. */
    static int stripeOf(byte[] sk) {
        return KeyLocks.stripe(sk, StorageKey.HEADER, StorageKey.HEADER + StorageKey.userKeyLength(sk));
    }

    private SiblingSet write(byte[] sk, int stripe, VersionVector context, long expireAt, byte type, byte[] value) {
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(sk);
            VersionVector ctx = context != null ? context : current == null ? VersionVector.EMPTY : current.clock();
            if (type == Counters.OP) { // an increment: add to this actor's total (see Counters)
                Counters.Applied applied = Counters.apply(current, ctx, value, actor);
                ctx = applied.context();
                type = Counters.TYPE;
                value = applied.value();
            }
            SiblingSet next = SiblingSet.write(current, ctx, actor, System.currentTimeMillis(), expireAt, type, value);
            if (next.size() > maxSiblings && next.size() > current.size()) {
                throw new ReplyException("ERR the key would have more than max-siblings (" + maxSiblings
                        + ") siblings: read them with SIBLINGS and write with their context to resolve them");
            }
            // one node drops a replaced collection's elements here; a ring tombstones them through
            // its coordinator, with the versions it saw (observed-remove)
            if (!keepTombstones && current != null && replacesCollection(current.winner(), value == null ? null : type)) {
                removeElements(sk);
            }
            store(stripe, sk, next);
            if (trees != null) {
                trees.update(sk, current, next);
            }
            account(sk, current == null ? null : current.winner(), next.winner());
            return next;
        } finally {
            locks.unlock(stripe);
        }
    }

    /**
     * True if writing a value of type {@code newType} (null: a delete) over {@code old} ends a
     * collection, whose elements must then go; a write of the same collection type is the collection's
     * own metadata update and keeps them.
     */
    private static boolean replacesCollection(Version old, Byte newType) {
        return !old.isTombstone() && old.type() != STRING && (newType == null || newType != old.type());
    }

    /**
     * Removes every element entry stored after the key entry {@code sk}, in batches so that a huge
     * collection is never held in memory at once. The caller holds the key's lock.
     */
    private void removeElements(byte[] sk) {
        byte[] end = prefixEnd(sk);
        byte[] from = sk;
        List<byte[]> batch = new ArrayList<>(ELEMENT_BATCH);
        while (true) {
            batch.clear();
            try (EngineCursor c = engine.range(from, end)) {
                while (batch.size() < ELEMENT_BATCH && c.next()) {
                    if (c.key().length > sk.length) {
                        batch.add(c.key());
                    }
                }
            }
            for (byte[] ek : batch) {
                engine.remove(ek);
            }
            if (batch.size() < ELEMENT_BATCH) {
                return;
            }
            from = batch.get(batch.size() - 1);
        }
    }

    /** The first key after every key that starts with {@code prefix}; null if there is none. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    static byte[] elementKey(byte[] sk, byte[] element) {
        byte[] ek = java.util.Arrays.copyOf(sk, sk.length + element.length);
        System.arraycopy(element, 0, ek, sk.length, element.length);
        return ek;
    }

    /** The value of an element of the collection at {@code key}, or null. */
    public byte[] readElement(int db, byte[] key, byte[] element) {
        Version v = engine.getWinner(elementKey(storageKey(db, key), element));
        return v == null || v.isTombstone() ? null : v.value();
    }

    /** Stores an element as a new version superseding what this node holds of it. */
    public void writeElement(int db, byte[] key, byte[] element, byte[] value) {
        byte[] ek = elementKey(storageKey(db, key), element);
        int stripe = KeyLocks.stripe(key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(ek);
            VersionVector ctx = current == null ? VersionVector.EMPTY : current.clock();
            store(stripe, ek, SiblingSet.write(current, ctx, actor, System.currentTimeMillis(), Version.NO_EXPIRY,
                    STRING, value));
        } finally {
            locks.unlock(stripe);
        }
    }

    /**
     * Writes the first version of an element that holds no value (single node): {@link #removeElement}
     * leaves no version behind, so the element's clock would be empty and is not read.
     */
    public void writeNewElement(int db, byte[] key, byte[] element, byte[] value) {
        changeElement(db, key, element, SiblingSet.write(null, VersionVector.EMPTY, actor, System.currentTimeMillis(),
                Version.NO_EXPIRY, STRING, value));
    }

    /** Removes an element the caller knows to be there (single node: outright), without reading it. */
    public void deleteElement(int db, byte[] key, byte[] element) {
        changeElement(db, key, element, null);
    }

    /** Stores {@code set} as the element, or removes it if null, without reading it first. */
    private void changeElement(int db, byte[] key, byte[] element, SiblingSet set) {
        byte[] ek = elementKey(storageKey(db, key), element);
        int stripe = KeyLocks.stripe(key);
        locks.lock(stripe);
        try {
            if (set == null) {
                delete(stripe, ek);
            } else {
                store(stripe, ek, set);
            }
        } finally {
            locks.unlock(stripe);
        }
    }

    /** Removes an element (single node: outright); true if it held a value. */
    public boolean removeElement(int db, byte[] key, byte[] element) {
        byte[] ek = elementKey(storageKey(db, key), element);
        int stripe = KeyLocks.stripe(key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(ek);
            if (current == null) {
                return false;
            }
            delete(stripe, ek);
            return !current.winner().isTombstone();
        } finally {
            locks.unlock(stripe);
        }
    }

    /** Walks the elements {@code from <= element < to} of the collection at {@code key}; null bounds are open. */
    public void elements(int db, byte[] key, byte[] from, byte[] to, kvstore.keyspace.Keyspace.ElementVisitor visitor) {
        byte[] sk = storageKey(db, key);
        byte[] lo = from == null ? sk : elementKey(sk, from);
        byte[] hi = to == null ? prefixEnd(sk) : elementKey(sk, to);
        try (EngineCursor c = engine.range(lo, hi)) {
            while (c.next()) {
                byte[] ek = c.key();
                if (ek.length == sk.length) {
                    continue;
                }
                byte[] value = c.winnerValue();
                if (value == null) {
                    continue;
                }
                if (!visitor.visit(java.util.Arrays.copyOfRange(ek, sk.length, ek.length), value)) {
                    return;
                }
            }
        }
    }

    /**
     * The winning values of the elements {@code from <= element < to} of the collection at {@code key},
     * without their element bytes; as {@link #elements} if {@code from} is open (the walk would start
     * at the key's own entry, which it tells apart by its key).
     */
    public void values(int db, byte[] key, byte[] from, byte[] to, kvstore.keyspace.Keyspace.ValueVisitor visitor) {
        if (from == null || from.length == 0) {
            elements(db, key, from, to, (element, value) -> visitor.visit(value));
            return;
        }
        byte[] sk = storageKey(db, key);
        try (EngineCursor c = engine.range(elementKey(sk, from), to == null ? prefixEnd(sk) : elementKey(sk, to))) {
            while (c.next()) {
                byte[] value = c.winnerValue();
                if (value != null && !visitor.visit(value)) {
                    return;
                }
            }
        }
    }

    /**
     * Up to {@code limit} stored entries {@code lo <= key < hi} with their whole sibling sets
     * (tombstones included), for a ring's range reads; returns true if the limit cut the walk short.
     */
    public boolean rangeSets(byte[] lo, byte[] hi, int limit, List<byte[]> keys, List<SiblingSet> sets) {
        try (EngineCursor c = engine.range(lo, hi)) {
            while (c.next()) {
                if (keys.size() == limit) {
                    return true;
                }
                keys.add(c.key());
                sets.add(c.value());
            }
        }
        return false;
    }

    /** Merges a set from another replica into the stored one; returns the result. */
    public SiblingSet merge(byte[] sk, SiblingSet incoming) {
        return merge(StorageKey.db(sk), StorageKey.userKey(sk), sk, incoming);
    }

    public SiblingSet merge(int db, byte[] key, SiblingSet incoming) {
        return merge(db, key, storageKey(db, key), incoming);
    }

    private SiblingSet merge(int db, byte[] key, byte[] sk, SiblingSet incoming) {
        int stripe = KeyLocks.stripe(key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(sk);
            SiblingSet next = current == null ? incoming : current.merge(incoming);
            if (current == null || !RingCoordinator.sameSet(current, next)) {
                store(stripe, sk, next);
                if (trees != null) {
                    trees.update(sk, current, next);
                }
                account(sk, current == null ? null : current.winner(), next.winner());
            }
            return next;
        } finally {
            locks.unlock(stripe);
        }
    }

    /**
     * Removes the key outright (single node only); returns the winner it had, or null.
     */
    public Version remove(int db, byte[] key) {
        byte[] sk = storageKey(db, key);
        int stripe = KeyLocks.stripe(key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(sk);
            if (current == null) {
                return null;
            }
            if (replacesCollection(current.winner(), null)) {
                removeElements(sk);
            }
            delete(stripe, sk);
            account(sk, current.winner(), null);
            return current.winner();
        } finally {
            locks.unlock(stripe);
        }
    }

    /**
     * Every change goes through these two, under the key's stripe lock, and is then counted for its
     * stripe ({@link KeyLocks#changed}); removing a collection's elements comes before a key write.
     */
    private void store(int stripe, byte[] sk, SiblingSet set) {
        engine.put(sk, set);
        locks.changed(stripe);
    }

    private void delete(int stripe, byte[] sk) {
        engine.remove(sk);
        locks.changed(stripe);
    }

    /** Keeps the counters and the expiry index in step with a key's winner changing from {@code before} to {@code after}. */
    private void account(byte[] sk, Version before, Version after) {
        if (!StorageKey.isKeyEntry(sk)) {
            return; // elements are counted by their collection's key entry
        }
        DbCounters c = counters[StorageKey.db(sk)];
        boolean was = before != null && !before.isTombstone() && (reclaimed.isEmpty() || !reclaimed.remove(ByteBuffer.wrap(sk)));
        boolean is = after != null && !after.isTombstone();
        if (was) {
            forgetExpiry(c, before.expireAt(), sk);
            if (!is) {
                c.keys.decrementAndGet();
            }
        } else if (is) {
            c.keys.incrementAndGet();
        }
        if (is && after.expireAt() != Version.NO_EXPIRY) {
            c.expires.incrementAndGet();
            c.expireAtSum.addAndGet(after.expireAt());
            expiries.add(after.expireAt(), sk);
        }
    }

    private void forgetExpiry(DbCounters c, long expireAt, byte[] sk) {
        if (expireAt != Version.NO_EXPIRY) {
            c.expires.decrementAndGet();
            c.expireAtSum.addAndGet(-expireAt);
            expiries.remove(expireAt, sk);
        }
    }

    /** Reclaims the key if its winner is still an expired value once its lock is held; true if it did. */
    public boolean reclaimIfExpired(int db, byte[] key, byte[] sk) {
        int stripe = KeyLocks.stripe(key);
        locks.lock(stripe);
        try {
            SiblingSet current = engine.get(sk);
            if (current == null) {
                return false;
            }
            Version v = current.winner();
            if (v.isTombstone() || !v.isExpiredAt(System.currentTimeMillis())) {
                return false;
            }
            if (keepTombstones) {
                ByteBuffer k = ByteBuffer.wrap(sk);
                if (reclaimed.contains(k)) {
                    return false;
                }
                account(sk, v, null);
                reclaimed.add(k);
            } else {
                if (replacesCollection(v, null)) {
                    removeElements(sk);
                }
                delete(stripe, sk);
                account(sk, v, null);
            }
            expiredKeys.incrementAndGet();
            return true;
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
        int n = 0;
        ExpiryIndex.Item item;
        while (System.nanoTime() < deadline && (item = expiries.pollExpired(System.currentTimeMillis())) != null) {
            byte[] sk = item.storageKey();
            if (reclaimIfExpired(StorageKey.db(sk), StorageKey.userKey(sk), sk)) {
                n++;
            }
        }
        return n;
    }

    public void setActiveExpire(boolean enabled) {
        activeExpire.set(enabled);
    }

    public long expiredKeys() {
        return expiredKeys.get();
    }

    public long size(int db) {
        return counters[db].keys.get();
    }

    public long expiresCount(int db) {
        return counters[db].expires.get();
    }

    public long averageTtl(int db) {
        DbCounters c = counters[db];
        long n = c.expires.get();
        if (n <= 0) {
            return 0;
        }
        return Math.max(0, c.expireAtSum.get() / n - System.currentTimeMillis());
    }

    /** True if a plain read sees a value: its winner is neither a tombstone nor expired. */
    public static boolean isLive(SiblingSet set, long now) {
        Version v = RingElements.readWinner(set, now);
        return !v.isTombstone() && !v.isExpiredAt(now);
    }

    /** Live keys of {@code db} in storage order, from slot {@code cursor} on, whole slots at a time. */
    public long scan(int db, long cursor, int count, List<byte[]> keys) {
        int slot = scanRange(db, (int) cursor, KeySlot.SLOTS, count, keys);
        return slot >= KeySlot.SLOTS ? 0 : slot;
    }

    /**
     * Adds the live keys of {@code db} in slots {@code [from, to)}, whole slots at a time, until
     * {@code keys} holds at least {@code count}; returns the slot to continue from ({@code to} when done).
     */
    public int scanRange(int db, int from, int to, int count, List<byte[]> keys) {
        int slot = from;
        long now = System.currentTimeMillis();
        while (slot < to && keys.size() < count) {
            keyEntries(StorageKey.slotStart(slot), StorageKey.slotStart(slot + 1), (sk, set) -> {
                if (StorageKey.db(sk) == db && isLive(set, now)) {
                    keys.add(StorageKey.userKey(sk));
                }
                return true;
            });
            slot++;
        }
        return slot;
    }

    public void forEachKey(int db, Consumer<byte[]> action) {
        long now = System.currentTimeMillis();
        keyEntries(StorageKey.slotStart(0), null, (sk, set) -> {
            if (StorageKey.db(sk) == db && isLive(set, now)) {
                action.accept(StorageKey.userKey(sk));
            }
            return true;
        });
    }

    /** Every stored key of {@code db}, live or not. */
    public List<byte[]> storedKeys(int db) {
        List<byte[]> out = new ArrayList<>();
        keyEntries(StorageKey.slotStart(0), null, (sk, set) -> {
            if (StorageKey.db(sk) == db) {
                out.add(StorageKey.userKey(sk));
            }
            return true;
        });
        return out;
    }

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
        byte[][] found = new byte[1][];
        keyEntries(from, to, (sk, set) -> {
            if (StorageKey.db(sk) == db && isLive(set, now)) {
                found[0] = StorageKey.userKey(sk);
                return false;
            }
            return true;
        });
        return found[0];
    }

    public void sync() {
        engine.sync();
    }

    private static final class DbCounters {
        final AtomicLong keys = new AtomicLong();
        final AtomicLong expires = new AtomicLong();
        final AtomicLong expireAtSum = new AtomicLong();
    }
}
