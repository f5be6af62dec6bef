package kvstore.command;

import kvstore.keyspace.CollectionMeta;
import kvstore.keyspace.CounterKind;
import kvstore.keyspace.ValueType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One sorted set as engine elements. Every member is stored twice, both as elements of the same key:
 * <pre>
 *   0x01 hashed(member)                      -> 8-byte IEEE double, big-endian (the exact score)
 *   0x02 sortable(score) (8 bytes) member    -> empty; {0x01} if the score is -0.0
 * </pre>
 * where sortable() ({@link ZScore#sortable}) flips the sign bit of positives and every bit of
 * negatives, so the unsigned byte order of the 0x02 elements is Redis's skiplist order: by score,
 * then by member bytes (memcmp). -0.0 sorts as 0.0; its one-byte marker lets a walk of the index
 * return it as Redis's skiplist does ("-0").
 *
 * hashed() is a {@link HashedElement}, so the members range scans (ZSCAN) and samples (ZRANDMEMBER)
 * as a hash or a set does.
 *
 * <p>ZSCORE is one read of the 0x01 element; ranges by score or member walk the 0x02 elements in
 * order from a computed start. Ranks are counted by walking, so ZRANK and rank-based ranges cost
 * O(rank) where Redis's skiplist takes O(log n). Reverse orders collect the range they need.
 *
 * <p>The key entry's head ({@link kvstore.keyspace.CollectionMeta#head()}) is a floor: the sortable
 * score below which the index holds no member (0: none known). Walks from the start seek to it, so a
 * run of ZPOPMIN does not walk again over the deletion markers the engine keeps for the members
 * already popped (an LSM engine's queue problem). Adding a member lowers it; popping the lowest raises it.
 *
 * <p>The CollectionKey's count is the number of members: only the 0x02 elements are counted (the
 * 0x01 element is written with replace(), which does not count), so members go through this class
 * and never through CollectionKey.put.
 */
final class ZSetStore {
    static final byte MEMBER = 0x01;
    static final byte INDEX = 0x02;
    private static final byte[] INDEX_END = {INDEX + 1};
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEG_ZERO = {1};
    private final CollectionKey ck;
    /** zset-max-listpack-entries and zset-max-listpack-value, read when the set was opened. */
    private final long maxEntries;
    private final long maxValue;

    private ZSetStore(CollectionKey ck, CommandContext ctx) {
        this.ck = ck;
        this.maxEntries = maxEntries(ctx);
        this.maxValue = maxValue(ctx);
    }

    static long maxEntries(CommandContext ctx) {
        return ctx.config().getLong("zset-max-listpack-entries");
    }

    static long maxValue(CommandContext ctx) {
        return ctx.config().getLong("zset-max-listpack-value");
    }

    static ZSetStore read(CommandContext ctx, int db, byte[] key) {
        CollectionKey c = CollectionKey.read(ctx, db, key, ValueType.ZSET);
        return c == null ? null : new ZSetStore(c, ctx);
    }

    static ZSetStore write(CommandContext ctx, int db, byte[] key) {
        return new ZSetStore(CollectionKey.write(ctx, db, key, ValueType.ZSET), ctx);
    }

    static ZSetStore existing(CommandContext ctx, int db, byte[] key) {
        CollectionKey c = CollectionKey.existing(ctx, db, key, ValueType.ZSET);
        return c == null ? null : new ZSetStore(c, ctx);
    }

    /** True if a set of {@code size} members, one of {@code memberLength} bytes, outgrows the listpack. */
    boolean outgrows(long size, int memberLength) {
        return size > maxEntries || memberLength > maxValue;
    }

    /**
     * Recounts a sorted set that replicas changed concurrently and puts its index back in step with
     * its members: a member whose score changed on both sides (or was incremented on both, and now
     * sums the increments) is indexed under its current score only, the score reads see. Holds the
     * index keys in memory while it runs. The floor is forgotten.
     */
    static void repair(CollectionKey ck) {
        java.util.Set<java.nio.ByteBuffer> indexed = new java.util.HashSet<>();
        ck.forEach(new byte[] {INDEX}, INDEX_END, (e, v) -> indexed.add(java.nio.ByteBuffer.wrap(e)));
        long[] members = {0};
        List<byte[]> missing = new ArrayList<>();
        ck.forEach(new byte[] {MEMBER}, new byte[] {INDEX}, (e, v) -> {
            members[0]++;
            byte[] member = HashedElement.member(Arrays.copyOfRange(e, 1, e.length));
            double score = ZScore.decodeRaw(v);
            byte[] ik = indexKey(score, member);
            if (!indexed.remove(java.nio.ByteBuffer.wrap(ik))) {
                missing.add(ik);
                missing.add(isNegZero(score) ? NEG_ZERO : EMPTY);
            }
            return true;
        });
        for (java.nio.ByteBuffer stale : indexed) {
            ck.remove(stale.array());
        }
        for (int i = 0; i < missing.size(); i += 2) {
            ck.replace(missing.get(i), missing.get(i + 1));
        }
        ck.meta(new CollectionMeta(members[0], ck.meta().flags(), 0));
    }

    /** A member and its score, as walks and range results carry them. */
    record Item(byte[] member, double score) {
    }

    /** Receives index entries in order; returns false to stop. */
    @FunctionalInterface
    interface ItemVisitor {
        boolean visit(byte[] member, double score);
    }

    long size() {
        return ck.count();
    }

    boolean existed() {
        return ck.existed();
    }

    boolean big() {
        return ck.meta().has(kvstore.keyspace.CollectionMeta.FLAG_BIG);
    }

    /** See {@link kvstore.keyspace.Keyspace#replicated}. */
    boolean replicated() {
        return ck.replicated();
    }

    void markBig() {
        ck.markBig();
    }

    void save() {
        ck.save();
    }

    static byte[] memberKey(byte[] member) {
        return CollectionKey.prefixed(MEMBER, HashedElement.of(member));
    }

    /** The 0x01 elements seen as {@link HashedElement}s, one per member (ZSCAN, ZRANDMEMBER). */
    ElementRange members() {
        return ck.under(MEMBER, size());
    }

    static byte[] indexKey(double score, byte[] member) {
        byte[] k = new byte[9 + member.length];
        k[0] = INDEX;
        ZScore.putLong(k, 1, ZScore.sortable(score));
        System.arraycopy(member, 0, k, 9, member.length);
        return k;
    }

    /** The first index key with a score of at least {@code score} (no member bytes). */
    static byte[] indexSeek(double score) {
        byte[] k = new byte[9];
        k[0] = INDEX;
        ZScore.putLong(k, 1, ZScore.sortable(score));
        return k;
    }

    /** The score of {@code member}, or null if it is not in the set. */
    Double score(byte[] member) {
        byte[] v = ck.get(memberKey(member));
        return v == null ? null : ZScore.decodeRaw(v);
    }

    /**
     * Sets the score of {@code member}; {@code old} is its current score (null: a new member). Keeps
     * the encoding flag as Redis's zsetAdd would convert (only new members can convert it).
     */
    void set(byte[] member, double score, Double old) {
        set(member, score, old, Double.NaN);
    }

    /**
     * As {@link #set(byte[], double, Double)} for ZINCRBY and ZADD INCR, which added {@code delta}:
     * on a ring the score is then a counter, so increments on both sides of a partition add up.
     */
    void set(byte[] member, double score, Double old, double delta) {
        if (old != null) {
            if (old.doubleValue() == score && isNegZero(old) == isNegZero(score)) {
                if (ck.replicated()) { // a re-add wins over a concurrent ZREM on another replica
                    putMember(member, score, old, delta);
                    ck.replace(indexKey(score, member), isNegZero(score) ? NEG_ZERO : EMPTY);
                }
                return;
            }
            ck.removeFound(indexKey(old, member)); // a member's score has its index entry
            addToIndex(member, score, old, delta);
            return;
        }
        if (!big() && outgrows(size() + 1, member.length)) {
            markBig();
        }
        addToIndex(member, score, null, delta);
    }

    private void addToIndex(byte[] member, double score, Double old, double delta) {
        putMember(member, score, old, delta);
        ck.add(indexKey(score, member), isNegZero(score) ? NEG_ZERO : EMPTY);
        long s = ZScore.sortable(score);
        if (Long.compareUnsigned(s, ck.meta().head()) < 0) {
            ck.meta(ck.meta().withHead(s));
        }
    }

    private void putMember(byte[] member, double score, Double old, double delta) {
        byte[] raw = ZScore.encodeRaw(score);
        double before = old == null ? 0 : old;
        if (Double.isFinite(delta) && Double.isFinite(score) && Double.isFinite(before)) {
            ck.increment(memberKey(member), raw, new BigDecimal(before), new BigDecimal(delta), CounterKind.SCORE);
        } else if (old == null) {
            ck.addUncounted(memberKey(member), raw);
        } else {
            ck.replace(memberKey(member), raw);
        }
    }

    /** Records that no member is left below {@code score} (after the lowest members were popped). */
    void raiseFloor(double score) {
        long s = ZScore.sortable(score);
        if (Long.compareUnsigned(s, ck.meta().head()) > 0) {
            ck.meta(ck.meta().withHead(s));
        }
    }

    /** The first index key at or above the floor. */
    private byte[] floor() {
        byte[] k = new byte[9];
        k[0] = INDEX;
        ZScore.putLong(k, 1, ck.meta().head());
        return k;
    }

    /** Removes {@code member} whose score is {@code score}. */
    void remove(byte[] member, double score) {
        ck.removeFound(indexKey(score, member));
        ck.removeFoundUncounted(memberKey(member)); // only index elements are counted
    }

    /** Removes {@code member} if present; true if it was. */
    boolean remove(byte[] member) {
        Double s = score(member);
        if (s == null) {
            return false;
        }
        remove(member, s);
        return true;
    }

    static boolean isNegZero(double d) {
        return d == 0 && Double.doubleToRawLongBits(d) != 0;
    }

    /** Walks members in (score, member) order from the index key {@code from} (null: the start). */
    void walk(byte[] from, ItemVisitor v) {
        ck.forEach(from == null ? floor() : from, INDEX_END, (element, value) -> {
            double score = ZScore.fromSortable(ZScore.getLong(element, 1));
            if (value.length == 1) {
                score = -0.0;
            }
            return v.visit(Arrays.copyOfRange(element, 9, element.length), score);
        });
    }

    /** Members at ranks [start, end] (0-based, in order, clamped by the caller). */
    List<Item> byRank(long start, long end) {
        List<Item> out = new ArrayList<>((int) Math.min(end - start + 1, 1024));
        long[] rank = {0};
        walk(null, (m, s) -> {
            long r = rank[0]++;
            if (r >= start) {
                out.add(new Item(m, s));
            }
            return r < end;
        });
        return out;
    }

    /** The 0-based rank of {@code member} with {@code score}: how many index entries precede it. */
    long rank(byte[] member, double score) {
        byte[] stop = indexKey(score, member);
        long[] n = {0};
        ck.forEach(floor(), stop, (e, v) -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    /** Every member in order (commands that return or copy the whole set). */
    List<Item> all() {
        List<Item> out = new ArrayList<>((int) Math.min(size(), 1 << 16));
        walk(null, (m, s) -> out.add(new Item(m, s)));
        return out;
    }
}
