package kvstore.command;

import kvstore.keyspace.CollectionMeta;
import kvstore.keyspace.Entry;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One collection key (hash, set, sorted set or list) as a command works on it: loaded once with its
 * type checked, its elements read and changed one entry at a time, and its key entry (count, flags,
 * expiry) written back once by {@link #save()}, which also deletes the key when its last element is
 * gone, as Redis does. Write commands run under their keys' locks, so the count stays exact.
 */
final class CollectionKey implements ElementRange {
    private final Keyspace ks;
    /** Where small collections' elements are kept across commands; null for none. */
    private final SmallCollectionCache cache;
    private final int db;
    private final byte[] key;
    private final ValueType type;
    private final boolean existed;
    private final long expireAt;
    private final CollectionMeta loaded;
    private CollectionMeta meta;
    /** An element changed: on a ring the key entry is written back even if the metadata did not change. */
    private boolean dirty;

    /** The elements read through {@link #remembered()} in this command, or null. */
    private List<byte[][]> remembered;

    private CollectionKey(Keyspace ks, SmallCollectionCache cache, int db, byte[] key, ValueType type, Entry entry) {
        this.ks = ks;
        this.cache = cache;
        this.db = db;
        this.key = key;
        this.type = type;
        this.existed = entry != null;
        this.expireAt = entry == null ? Entry.NO_EXPIRY : entry.expireAt();
        this.loaded = entry == null ? CollectionMeta.EMPTY : CollectionMeta.decode(entry.value());
        this.meta = loaded;
    }

    /**
     * Redis's lookupKeyRead: the collection at {@code key}, or null if there is none (counting a
     * keyspace hit or miss); throws {@link WrongTypeException} if the key holds another type.
     */
    static CollectionKey read(CommandContext ctx, int db, byte[] key, ValueType type) {
        Entry e = lookup(ctx.keyspace(), db, key);
        if (e == null) {
            ctx.stats().miss();
            return null;
        }
        ctx.stats().hit();
        checkType(e, type);
        return new CollectionKey(ctx.keyspace(), ctx.smallCollections(), db, key, type, e);
    }

    /**
     * Redis's lookupKeyWrite: the collection at {@code key}, or an empty one that {@link #save()}
     * creates if elements are added; throws {@link WrongTypeException} if the key holds another type.
     */
    static CollectionKey write(CommandContext ctx, int db, byte[] key, ValueType type) {
        Entry e = lookup(ctx.keyspace(), db, key);
        if (e != null) {
            checkType(e, type);
        } else {
            ctx.keyspace().clearLeftovers(db, key);
        }
        return new CollectionKey(ctx.keyspace(), ctx.smallCollections(), db, key, type, e);
    }

    /** Like {@link #write} but null if the key does not exist (commands that only remove). */
    static CollectionKey existing(CommandContext ctx, int db, byte[] key, ValueType type) {
        Entry e = lookup(ctx.keyspace(), db, key);
        if (e == null) {
            return null;
        }
        checkType(e, type);
        return new CollectionKey(ctx.keyspace(), ctx.smallCollections(), db, key, type, e);
    }

    /**
     * The key's entry; a collection a ring read as changed concurrently on several replicas
     * ({@link CollectionMeta#FLAG_CONFLICT}) is first recounted from its elements and written back,
     * and is absent if no element is left.
     */
    private static Entry lookup(Keyspace ks, int db, byte[] key) {
        Entry e = ks.get(db, key);
        if (e == null || e.type() == ValueType.STRING) {
            return e;
        }
        CollectionMeta m = CollectionMeta.decode(e.value());
        if (!m.has(CollectionMeta.FLAG_CONFLICT)) {
            return e;
        }
        CollectionKey ck = new CollectionKey(ks, null, db, key, e.type(), e);
        ck.meta = m.withFlags(m.flags() & ~CollectionMeta.FLAG_CONFLICT);
        switch (e.type()) {
            case LIST -> ListKey.normalize(ck);
            case ZSET -> ZSetStore.repair(ck);
            default -> {
                long[] n = {0};
                ck.forEach(null, null, (element, value) -> ++n[0] > 0);
                ck.meta = ck.meta.withCount(n[0]);
            }
        }
        ck.dirty = true;
        ck.save();
        return ck.meta.count() <= 0 ? null : new Entry(e.type(), ck.meta.encode(), e.expireAt(), e.writtenAt());
    }

    private static void checkType(Entry e, ValueType type) {
        if (e.type() != type) {
            throw new WrongTypeException();
        }
    }

    boolean existed() {
        return existed;
    }

    byte[] key() {
        return key;
    }

    @Override
    public long count() {
        return meta.count();
    }

    @Override
    public boolean compact() {
        return !meta.has(CollectionMeta.FLAG_BIG);
    }

    CollectionMeta meta() {
        return meta;
    }

    void meta(CollectionMeta m) {
        this.meta = m;
    }

    /** Marks the collection as having left its compact encoding (one way, as in Redis). */
    void markBig() {
        if (!meta.has(CollectionMeta.FLAG_BIG)) {
            meta = meta.withFlags(meta.flags() | CollectionMeta.FLAG_BIG);
        }
    }

    /** See {@link Keyspace#replicated}. */
    boolean replicated() {
        return ks.replicated();
    }

    byte[] get(byte[] element) {
        return ks.element(db, key, element);
    }

    /**
     * Stores an element; true if it is new (the count grows). Writes nothing if the value is unchanged,
     * except on a ring ({@link Keyspace#replicated}).
     */
    boolean put(byte[] element, byte[] value) {
        byte[] old = ks.element(db, key, element);
        if (old != null && Arrays.equals(old, value) && !ks.replicated()) {
            return false;
        }
        dirty = true;
        if (old == null) {
            ks.addElement(db, key, element, value);
            meta = meta.withCount(meta.count() + 1);
            return true;
        }
        ks.putElement(db, key, element, value);
        return false;
    }

    /** Stores an element known to be new (its position was never used). */
    void add(byte[] element, byte[] value) {
        addUncounted(element, value);
        meta = meta.withCount(meta.count() + 1);
    }

    /** Stores an element found absent, without counting it (a sorted set counts its index entries). */
    void addUncounted(byte[] element, byte[] value) {
        ks.addElement(db, key, element, value);
        dirty = true;
    }

    /** Stores a new list element at a position (a push: see {@link Keyspace#insertElement}). */
    void insert(byte[] element, byte[] value) {
        ks.insertElement(db, key, element, value);
        dirty = true;
    }

    /** Replaces an element known to exist. */
    void replace(byte[] element, byte[] value) {
        ks.putElement(db, key, element, value);
        dirty = true;
    }

    /**
     * Stores {@code after}, the result of adding {@code delta} to the element's number {@code before}
     * (HINCRBY, ZINCRBY: a counter on a ring, see {@link Keyspace#increment}). Does not count: the
     * caller knows whether the element is new.
     */
    void increment(byte[] element, byte[] after, java.math.BigDecimal before, java.math.BigDecimal delta,
                   kvstore.keyspace.CounterKind kind) {
        ks.incrementElement(db, key, element, after, before, delta, kind);
        dirty = true;
    }

    /** Removes an element just read or walked as present (the count shrinks). */
    void removeFound(byte[] element) {
        if (ks.replicated()) {
            remove(element); // a replica may have removed it meanwhile: count what the ring says
            return;
        }
        removeFoundUncounted(element);
        meta = meta.withCount(meta.count() - 1);
    }

    /** Removes an element just read or walked as present, without counting it (a sorted set's member). */
    void removeFoundUncounted(byte[] element) {
        ks.removeFoundElement(db, key, element);
        dirty = true;
    }

    /** Removes an element; true if it was there (the count shrinks). */
    boolean remove(byte[] element) {
        if (ks.removeElement(db, key, element)) {
            dirty = true;
            meta = meta.withCount(meta.count() - 1);
            return true;
        }
        return false;
    }

    /** Elements {@code from <= element < to} in element order until the visitor returns false. */
    @Override
    public void forEach(byte[] from, byte[] to, Keyspace.ElementVisitor visitor) {
        ks.elements(db, key, from, to, visitor);
    }

    /** The values of the elements {@code from <= element < to}, in element order, until the visitor returns false. */
    void forEachValue(byte[] from, byte[] to, Keyspace.ValueVisitor visitor) {
        ks.values(db, key, from, to, visitor);
    }

    /**
     * Every {element, value} of a collection of at most {@link ElementSampler#SMALL} elements, kept
     * from an earlier command if the key has not changed since ({@link SmallCollectionCache}); null
     * for a bigger one, or where the keyspace does not track changes.
     */
    @Override
    public List<byte[][]> remembered() {
        long changes = ks.changes(db, key);
        if (cache == null || changes < 0 || meta.count() > ElementSampler.SMALL) {
            return null;
        }
        List<byte[][]> pairs = cache.get(db, key, changes);
        if (pairs == null || pairs.size() != meta.count()) {
            List<byte[][]> walked = new ArrayList<>((int) meta.count());
            forEach(null, null, (element, value) -> walked.add(new byte[][] {element, value}));
            pairs = Collections.unmodifiableList(walked);
            cache.put(db, key, changes, pairs);
        }
        remembered = pairs;
        return pairs;
    }

    /**
     * After this command removed {@code element} and {@link #save saved}, holding the key's lock:
     * keeps the elements {@link #remembered()} earlier in the command valid without it, so that the
     * next pick need not walk the collection again.
     */
    void rememberRemoved(byte[] element) {
        List<byte[][]> before = remembered;
        if (before == null) {
            return;
        }
        List<byte[][]> after = new ArrayList<>(before.size());
        for (byte[][] p : before) {
            if (!Arrays.equals(p[0], element)) {
                after.add(p);
            }
        }
        remembered = Collections.unmodifiableList(after);
        cache.put(db, key, ks.changes(db, key), remembered);
    }

    /** Every element with every value a ring kept for it ({@link Keyspace#elementValues}). */
    void forEachValues(Keyspace.ElementValuesVisitor visitor) {
        ks.elementValues(db, key, visitor);
    }

    /**
     * The elements that start with {@code prefix}, seen without it; {@code count} is how many there
     * are (the key's count covers every element, which may be more).
     */
    ElementRange under(byte prefix, long count) {
        CollectionKey whole = this;
        byte[] start = {prefix};
        byte[] end = {(byte) (prefix + 1)};
        return new ElementRange() {
            @Override
            public long count() {
                return count;
            }

            @Override
            public boolean compact() {
                return whole.compact();
            }

            @Override
            public void forEach(byte[] from, byte[] to, Keyspace.ElementVisitor visitor) {
                whole.forEach(from == null ? start : prefixed(prefix, from), to == null ? end : prefixed(prefix, to),
                        (element, value) -> visitor.visit(Arrays.copyOfRange(element, 1, element.length), value));
            }
        };
    }

    static byte[] prefixed(byte prefix, byte[] element) {
        byte[] out = new byte[1 + element.length];
        out[0] = prefix;
        System.arraycopy(element, 0, out, 1, element.length);
        return out;
    }

    /**
     * Writes the key entry back if anything changed: deletes the key if no element is left, creates it
     * (no expiry) if it is new, otherwise keeps its expiry. On a ring a change of elements alone
     * writes it too, so that concurrent changes always meet as concurrent key entries (see
     * {@link CollectionMeta#FLAG_CONFLICT}); one node skips that write.
     */
    void save() {
        if (meta.count() <= 0) {
            if (existed) {
                ks.delete(db, key);
            }
            return;
        }
        if (!existed || (dirty && ks.replicated()) || !meta.equals(loaded)) {
            ks.put(db, key, new Entry(type, meta.encode(), expireAt, 0));
        }
    }

    /**
     * Writes {@code value} (as read from {@code srcDb}/{@code src}) to {@code dstDb}/{@code dst},
     * replacing what was there: RENAME, COPY and MOVE. A collection's elements are copied one by one.
     */
    static void copyValue(Keyspace ks, Entry value, int srcDb, byte[] src, int dstDb, byte[] dst) {
        if (value.type() == ValueType.STRING) {
            ks.put(dstDb, dst, value);
            return;
        }
        ks.delete(dstDb, dst);
        ks.clearLeftovers(dstDb, dst);
        ks.put(dstDb, dst, value);
        ks.elements(srcDb, src, null, null, (element, v) -> {
            ks.putElement(dstDb, dst, element, v);
            return true;
        });
    }
}
