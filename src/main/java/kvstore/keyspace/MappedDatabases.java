package kvstore.keyspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A keyspace whose Redis database indexes go through a {@link DatabaseMap} to the stored database ids
 * of the keyspace it wraps, so that SWAPDB is an exchange of two map entries rather than a copy of
 * two databases. Every call naming a database is passed on with the stored id; the others as they are.
 *
 * <p>A swap takes every key lock first ({@link KeyLocks#lockAll}), so no write command is half done
 * across it (one that read a key of one database and would write it to the other), and counts a
 * change on every lock stripe afterwards, so that whatever was kept against a key's change count (the
 * cache of small collections) is read again.
 */
public final class MappedDatabases implements Keyspace {
    private final Keyspace inner;
    private final DatabaseMap map;

    public MappedDatabases(Keyspace inner, DatabaseMap map) {
        this.inner = inner;
        this.map = map;
    }

    @Override
    public void swapDatabases(int a, int b) {
        KeyLocks locks = inner.locks();
        locks.lockAll();
        try {
            map.swap(a, b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the swapped databases", e);
        } finally {
            locks.changedAllAndUnlock();
        }
    }

    private int at(int db) {
        return map.stored(db);
    }

    @Override
    public Entry get(int db, byte[] key) {
        return inner.get(at(db), key);
    }

    @Override
    public CompletableFuture<Entry> getLater(int db, byte[] key) {
        return inner.getLater(at(db), key);
    }

    @Override
    public void put(int db, byte[] key, Entry entry) {
        inner.put(at(db), key, entry);
    }

    @Override
    public boolean delete(int db, byte[] key) {
        return inner.delete(at(db), key);
    }

    @Override
    public long size(int db) {
        return inner.size(at(db));
    }

    @Override
    public long expiresCount(int db) {
        return inner.expiresCount(at(db));
    }

    @Override
    public long averageTtl(int db) {
        return inner.averageTtl(at(db));
    }

    @Override
    public ScanPage scan(int db, long cursor, int count) {
        return inner.scan(at(db), cursor, count);
    }

    @Override
    public void forEachKey(int db, Consumer<byte[]> action) {
        inner.forEachKey(at(db), action);
    }

    @Override
    public byte[] randomKey(int db) {
        return inner.randomKey(at(db));
    }

    @Override
    public void flush(int db) {
        inner.flush(at(db));
    }

    @Override
    public void sync() {
        inner.sync();
    }

    @Override
    public KeyLocks locks() {
        return inner.locks();
    }

    @Override
    public void setActiveExpire(boolean enabled) {
        inner.setActiveExpire(enabled);
    }

    @Override
    public void endOfBatch() {
        inner.endOfBatch();
    }

    @Override
    public Map<String, String> storageInfo() {
        return inner.storageInfo();
    }

    @Override
    public long expiredKeys() {
        return inner.expiredKeys();
    }

    @Override
    public long actorId() {
        return inner.actorId();
    }

    @Override
    public Siblings siblings(int db, byte[] key) {
        return inner.siblings(at(db), key);
    }

    @Override
    public void putWithContext(int db, byte[] key, Entry entry, byte[] context) {
        inner.putWithContext(at(db), key, entry, context);
    }

    @Override
    public void increment(int db, byte[] key, Entry after, BigDecimal before, BigDecimal delta, CounterKind kind) {
        inner.increment(at(db), key, after, before, delta, kind);
    }

    @Override
    public void incrementElement(int db, byte[] key, byte[] element, byte[] after, BigDecimal before,
                                 BigDecimal delta, CounterKind kind) {
        inner.incrementElement(at(db), key, element, after, before, delta, kind);
    }

    @Override
    public void beginCommand(int readQuorum, int writeQuorum) {
        inner.beginCommand(readQuorum, writeQuorum);
    }

    @Override
    public void beginCommand(int readQuorum, int writeQuorum, Pace pace) {
        inner.beginCommand(readQuorum, writeQuorum, pace);
    }

    @Override
    public CompletableFuture<Void> endCommand() {
        return inner.endCommand();
    }

    @Override
    public byte[] element(int db, byte[] key, byte[] element) {
        return inner.element(at(db), key, element);
    }

    @Override
    public void putElement(int db, byte[] key, byte[] element, byte[] value) {
        inner.putElement(at(db), key, element, value);
    }

    @Override
    public void addElement(int db, byte[] key, byte[] element, byte[] value) {
        inner.addElement(at(db), key, element, value);
    }

    @Override
    public void insertElement(int db, byte[] key, byte[] element, byte[] value) {
        inner.insertElement(at(db), key, element, value);
    }

    @Override
    public long changes(int db, byte[] key) {
        return inner.changes(at(db), key);
    }

    @Override
    public long writesThrough(int db, byte[] key) {
        return inner.writesThrough(at(db), key);
    }

    @Override
    public boolean removeElement(int db, byte[] key, byte[] element) {
        return inner.removeElement(at(db), key, element);
    }

    @Override
    public void removeFoundElement(int db, byte[] key, byte[] element) {
        inner.removeFoundElement(at(db), key, element);
    }

    @Override
    public void elements(int db, byte[] key, byte[] from, byte[] to, ElementVisitor visitor) {
        inner.elements(at(db), key, from, to, visitor);
    }

    @Override
    public void values(int db, byte[] key, byte[] from, byte[] to, ValueVisitor visitor) {
        inner.values(at(db), key, from, to, visitor);
    }

    @Override
    public boolean replicated() {
        return inner.replicated();
    }

    @Override
    public void clearLeftovers(int db, byte[] key) {
        inner.clearLeftovers(at(db), key);
    }

    @Override
    public void elementValues(int db, byte[] key, ElementValuesVisitor visitor) {
        inner.elementValues(at(db), key, visitor);
    }
}
