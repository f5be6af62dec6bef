package kvstore.cluster;

import kvstore.keyspace.Entry;
import kvstore.keyspace.KeyLocks;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.Siblings;
import kvstore.keyspace.ValueType;
import kvstore.storage.Engine;
import kvstore.version.ContextCodec;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The coordinator of a ring of one node (N=1, R=1, W=1): every key's only replica is the local
 * engine ({@link LocalReplica}), called directly on the caller's thread with no serialisation.
 *
 * <p>Each write is a new version whose context is everything this node has seen of the key, so it
 * supersedes the previous one exactly as a plain Redis write does. With no other replica to tell, a
 * delete or an expired key is dropped from the engine at once instead of leaving a tombstone.
 */
public final class SingleNodeCoordinator implements Keyspace {
    private final KeyLocks locks = new KeyLocks();
    private final LocalReplica replica;

    public SingleNodeCoordinator(Engine engine, long actor, int databases) {
        this.replica = new LocalReplica(engine, actor, databases, locks, false);
    }

    public LocalReplica replica() {
        return replica;
    }

    @Override
    public Entry get(int db, byte[] key) {
        Version v = replica.readWinner(db, key);
        if (v == null || v.isTombstone()) {
            return null;
        }
        if (v.expireAt() != Version.NO_EXPIRY && v.isExpiredAt(System.currentTimeMillis())) { // no clock read for most keys
            replica.reclaimIfExpired(db, key, LocalReplica.storageKey(db, key));
            return null;
        }
        return new Entry(ValueType.byId(v.type()), v.value(), v.expireAt(), v.timestamp());
    }

    @Override
    public void put(int db, byte[] key, Entry entry) {
        replica.write(db, key, null, entry.expireAt(), entry.type().id(), entry.value());
    }

    @Override
    public boolean delete(int db, byte[] key) {
        Version v = replica.remove(db, key);
        return v != null && !v.isTombstone() && !v.isExpiredAt(System.currentTimeMillis());
    }

    @Override
    public Siblings siblings(int db, byte[] key) {
        SiblingSet set = replica.read(db, key);
        return set == null ? null : RingCoordinator.siblingsOf(set);
    }

    @Override
    public void putWithContext(int db, byte[] key, Entry entry, byte[] context) {
        VersionVector ctx = ContextCodec.fromClient(context);
        if (entry == null) {
            // one node keeps no tombstones: a delete that covers every version removes the key; one
            // that does not leaves the versions it did not see
            int stripe = KeyLocks.stripe(key);
            locks.lock(stripe);
            try {
                SiblingSet set = replica.read(db, key);
                if (set == null) {
                    return;
                }
                boolean all = true;
                for (Version v : set.versions()) {
                    all &= ctx.covers(v.actor(), v.counter());
                }
                if (all) {
                    replica.remove(db, key);
                } else {
                    replica.write(db, key, ctx, Version.NO_EXPIRY, ValueType.STRING.id(), null);
                }
            } finally {
                locks.unlock(stripe);
            }
            return;
        }
        replica.write(db, key, ctx, entry.expireAt(), entry.type().id(), entry.value());
    }

    @Override
    public byte[] element(int db, byte[] key, byte[] element) {
        return replica.readElement(db, key, element);
    }

    @Override
    public void putElement(int db, byte[] key, byte[] element, byte[] value) {
        replica.writeElement(db, key, element, value);
    }

    @Override
    public long changes(int db, byte[] key) {
        return locks.changes(key);
    }

    /** One node's removals leave no version behind, so a first version needs no read. */
    @Override
    public void addElement(int db, byte[] key, byte[] element, byte[] value) {
        replica.writeNewElement(db, key, element, value);
    }

    /** A push's position holds nothing live, as for {@link #addElement}; one node keeps one value per element. */
    @Override
    public void insertElement(int db, byte[] key, byte[] element, byte[] value) {
        replica.writeNewElement(db, key, element, value);
    }

    @Override
    public boolean removeElement(int db, byte[] key, byte[] element) {
        return replica.removeElement(db, key, element);
    }

    @Override
    public void removeFoundElement(int db, byte[] key, byte[] element) {
        replica.deleteElement(db, key, element);
    }

    @Override
    public void elements(int db, byte[] key, byte[] from, byte[] to, ElementVisitor visitor) {
        replica.elements(db, key, from, to, visitor);
    }

    @Override
    public void values(int db, byte[] key, byte[] from, byte[] to, ValueVisitor visitor) {
        replica.values(db, key, from, to, visitor);
    }

    /**
     * One round of background expiry: reclaims expired keys, earliest first, until none is left or the
     * time budget is spent. Returns how many keys it reclaimed.
     */
    public int expireCycle(long budgetNanos) {
        return replica.expireCycle(budgetNanos);
    }

    @Override
    public long actorId() {
        return replica.actor();
    }

    @Override
    public long expiredKeys() {
        return replica.expiredKeys();
    }

    @Override
    public void setActiveExpire(boolean enabled) {
        replica.setActiveExpire(enabled);
    }

    @Override
    public long size(int db) {
        return replica.size(db);
    }

    @Override
    public long expiresCount(int db) {
        return replica.expiresCount(db);
    }

    @Override
    public long averageTtl(int db) {
        return replica.averageTtl(db);
    }

    @Override
    public ScanPage scan(int db, long cursor, int count) {
        List<byte[]> keys = new ArrayList<>();
        long next = replica.scan(db, cursor, count, keys);
        return new ScanPage(next, keys);
    }

    @Override
    public void forEachKey(int db, Consumer<byte[]> action) {
        replica.forEachKey(db, action);
    }

    @Override
    public byte[] randomKey(int db) {
        return replica.randomKey(db);
    }

    @Override
    public void flush(int db) {
        for (byte[] key : replica.storedKeys(db)) {
            delete(db, key);
        }
    }

    @Override
    public void sync() {
        replica.sync();
    }

    @Override
    public KeyLocks locks() {
        return locks;
    }

    @Override
    public void endOfBatch() {
        replica.flushWrites();
    }

    @Override
    public java.util.Map<String, String> storageInfo() {
        return replica.engineInfo();
    }
}
