package kvstore.command;

import kvstore.keyspace.CollectionMeta;
import kvstore.keyspace.ValueType;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.DENYOOM;
import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.MOVABLE_KEYS;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/**
 * The set commands of Redis 7.0's t_set.c, with its argument checks in its order and its error texts.
 * A set is a collection whose elements are its members (element bytes = member bytes, value empty).
 * Members come back in element byte order where Redis's order is unspecified. Random choice is in
 * {@link ElementSampler}, the multi-key algebra in {@link SetAlgebra}.
 *
 * <p>OBJECT ENCODING follows Redis's intset rule: a set is an intset while every member is a
 * string2ll integer and it has at most set-max-intset-entries members; the first other member
 * converts it to a hashtable for good.
 */
final class SetCommands {
    static final byte[] NO_VALUE = new byte[0];

    private static final ErrorReply MUST_BE_POSITIVE = ErrorReply.err("value is out of range, must be positive");
    private static final ErrorReply COUNT_RANGE = ErrorReply.err(
            "value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    private static final ErrorReply NUMKEYS = ErrorReply.err("numkeys should be greater than 0");
    private static final ErrorReply TOO_MANY_KEYS = ErrorReply.err("Number of keys can't be greater than number of args");
    private static final ErrorReply LIMIT_NEGATIVE = ErrorReply.err("LIMIT can't be negative");
    private static final ErrorReply INVALID_CURSOR = ErrorReply.err("invalid cursor");
    private static final Reply EMPTY_SCAN = ArrayReply.of(BulkReply.of(0), ArrayReply.EMPTY);
    /** SPOP's case 3 (Redis's SPOP_MOVE_STRATEGY_MUL): rebuild from the members that stay. */
    private static final int SPOP_MOVE_MUL = 5;
    /** SRANDMEMBER's case 3 (SRANDMEMBER_SUB_STRATEGY_MUL): a walk rather than repeated picks. */
    private static final int SRAND_SUB_MUL = 3;

    private final CommandContext ctx;
    private final SetAlgebra algebra;
    /** set-max-intset-entries. */
    private final LiveSetting intsetMax;

    SetCommands(CommandContext ctx) {
        this.ctx = ctx;
        this.intsetMax = new LiveSetting(ctx.config(), "set-max-intset-entries");
        this.algebra = new SetAlgebra(ctx, this);
    }

    void register(CommandTable t) {
        t.add(spec("sadd", -3, this::sadd, "write", "fast").flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
                .doc("Add one or more members to a set", "1.0.0").build());
        t.add(spec("srem", -3, this::srem, "write", "fast").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Remove one or more members from a set", "1.0.0").build());
        t.add(spec("smembers", 2, (s, a) -> algebra.inter(s, a, 1, a.length, null, false, 0), "read", "slow")
                .flags(READONLY).keys(1, 1, 1).doc("Get all the members in a set", "1.0.0").build());
        t.add(spec("sismember", 3, this::sismember, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Determine if a given value is a member of a set", "1.0.0").build());
        t.add(spec("smismember", -3, this::smismember, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Returns the membership associated with the given elements for a set", "6.2.0").build());
        t.add(spec("scard", 2, this::scard, "read", "fast").flags(READONLY, FAST).keys(1, 1, 1)
                .doc("Get the number of members in a set", "1.0.0").build());
        t.add(spec("spop", -2, this::spop, "write", "fast").flags(WRITE, FAST).keys(1, 1, 1)
                .doc("Remove and return one or multiple random members from a set", "1.0.0").build());
        t.add(spec("srandmember", -2, this::srandmember, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Get one or multiple random members from a set", "1.0.0").build());
        t.add(spec("smove", 4, this::smove, "write", "fast").flags(WRITE, FAST).keys(1, 2, 1)
                .doc("Move a member from one set to another", "1.0.0").build());
        t.add(spec("sinter", -2, (s, a) -> algebra.inter(s, a, 1, a.length, null, false, 0), "read", "slow")
                .flags(READONLY).keys(1, -1, 1).doc("Intersect multiple sets", "1.0.0").build());
        t.add(spec("sintercard", -3, this::sintercard, "read", "slow")
                .keyFinder(KeyFinder.counted(1)).flags(READONLY, MOVABLE_KEYS).keys(0, 0, 0)
                .doc("Intersect multiple sets and return the cardinality of the result", "7.0.0").build());
        t.add(spec("sinterstore", -3, (s, a) -> algebra.inter(s, a, 2, a.length, a[1], false, 0), "write", "slow")
                .flags(WRITE, DENYOOM).keys(1, -1, 1)
                .doc("Intersect multiple sets and store the resulting set in a key", "1.0.0").build());
        t.add(spec("sunion", -2, (s, a) -> algebra.union(s, a, 1, null), "read", "slow").flags(READONLY)
                .keys(1, -1, 1).doc("Add multiple sets", "1.0.0").build());
        t.add(spec("sunionstore", -3, (s, a) -> algebra.union(s, a, 2, a[1]), "write", "slow")
                .flags(WRITE, DENYOOM).keys(1, -1, 1)
                .doc("Add multiple sets and store the resulting set in a key", "1.0.0").build());
        t.add(spec("sdiff", -2, (s, a) -> algebra.diff(s, a, 1, null), "read", "slow").flags(READONLY)
                .keys(1, -1, 1).doc("Subtract multiple sets", "1.0.0").build());
        t.add(spec("sdiffstore", -3, (s, a) -> algebra.diff(s, a, 2, a[1]), "write", "slow")
                .flags(WRITE, DENYOOM).keys(1, -1, 1)
                .doc("Subtract multiple sets and store the resulting set in a key", "1.0.0").build());
        t.add(spec("sscan", -3, this::sscan, "read", "slow").flags(READONLY).keys(1, 1, 1)
                .doc("Incrementally iterate Set elements", "2.8.0").build());
    }

    private static CommandSpec.Builder spec(String name, int arity, Command command, String access, String speed) {
        return CommandSpec.builder(name, arity, command).categories(access, "set", speed).group("set");
    }

    /** The element bytes of a member: a {@link HashedElement}. */
    static byte[] element(byte[] member) {
        return HashedElement.of(member);
    }

    /** The member an element stores (the inverse of {@link #element}). */
    static byte[] member(byte[] element) {
        return HashedElement.member(element);
    }

    /**
     * setTypeAdd on element bytes: true if new. Converts to hashtable as Redis's intset would.
     */
    boolean add(CollectionKey set, byte[] element) {
        if (!set.put(element, NO_VALUE)) {
            return false;
        }
        if (!set.meta().has(CollectionMeta.FLAG_BIG) && (set.count() > intsetMax.get() || !Args.isLong(member(element)))) {
            set.markBig();
        }
        return true;
    }

    static boolean contains(CollectionKey set, byte[] element) {
        return set.get(element) != null;
    }

    static BulkReply bulk(byte[] element) {
        return new BulkReply(member(element));
    }

    static List<Reply> bulks(List<byte[]> elements) {
        List<Reply> out = new ArrayList<>(elements.size());
        for (byte[] e : elements) {
            out.add(bulk(e));
        }
        return out;
    }

    private Reply sadd(Session s, byte[][] a) {
        CollectionKey set = CollectionKey.write(ctx, s.db(), a[1], ValueType.SET);
        int added = 0;
        for (int i = 2; i < a.length; i++) {
            if (add(set, element(a[i]))) {
                added++;
            }
        }
        set.save();
        return IntegerReply.of(added);
    }

    private Reply srem(Session s, byte[][] a) {
        CollectionKey set = CollectionKey.existing(ctx, s.db(), a[1], ValueType.SET);
        if (set == null) {
            return IntegerReply.ZERO;
        }
        int removed = 0;
        for (int i = 2; i < a.length && set.count() > 0; i++) {
            if (set.remove(element(a[i]))) {
                removed++;
            }
        }
        set.save();
        return IntegerReply.of(removed);
    }

    private Reply sismember(Session s, byte[][] a) {
        CollectionKey set = CollectionKey.read(ctx, s.db(), a[1], ValueType.SET);
        return set != null && contains(set, element(a[2])) ? IntegerReply.ONE : IntegerReply.ZERO;
    }

    private Reply smismember(Session s, byte[][] a) {
        CollectionKey set = CollectionKey.read(ctx, s.db(), a[1], ValueType.SET);
        List<Reply> out = new ArrayList<>(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            out.add(set != null && contains(set, element(a[i])) ? IntegerReply.ONE : IntegerReply.ZERO);
        }
        return ArrayReply.of(out);
    }

    private Reply scard(Session s, byte[][] a) {
        CollectionKey set = CollectionKey.read(ctx, s.db(), a[1], ValueType.SET);
        return set == null ? IntegerReply.ZERO : IntegerReply.of(set.count());
    }

    private Reply smove(Session s, byte[][] a) {
        int db = s.db();
        CollectionKey src = CollectionKey.existing(ctx, db, a[1], ValueType.SET);
        if (src == null) {
            return IntegerReply.ZERO; // Redis answers before looking at the destination's type
        }
        CollectionKey dst = CollectionKey.existing(ctx, db, a[2], ValueType.SET);
        byte[] member = element(a[3]);
        if (java.util.Arrays.equals(a[1], a[2])) {
            return contains(src, member) ? IntegerReply.ONE : IntegerReply.ZERO;
        }
        if (!src.remove(member)) {
            return IntegerReply.ZERO;
        }
        src.save();
        if (dst == null) {
            dst = CollectionKey.write(ctx, db, a[2], ValueType.SET);
        }
        add(dst, member);
        dst.save();
        return IntegerReply.ONE;
    }

    private Reply sintercard(Session s, byte[][] a) {
        long numkeys = Args.parseLong(a[1]);
        if (numkeys == Args.INVALID || numkeys < 1) {
            return NUMKEYS;
        }
        if (numkeys > a.length - 2) {
            return TOO_MANY_KEYS;
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < a.length; j++) {
            boolean moreArgs = a.length - 1 - j > 0;
            if (Args.is(a[j], "limit") && moreArgs) {
                j++;
                limit = Args.parseLong(a[j]);
                if (limit == Args.INVALID || limit < 0) {
                    return LIMIT_NEGATIVE;
                }
            } else {
                return ErrorReply.SYNTAX;
            }
        }
        return algebra.inter(s, a, 2, 2 + (int) numkeys, null, true, limit);
    }

    // ---- random members ----

    private Reply spop(Session s, byte[][] a) {
        if (a.length == 3) {
            return spopCount(s, a);
        } else if (a.length > 3) {
            return ErrorReply.SYNTAX;
        }
        CollectionKey set = CollectionKey.existing(ctx, s.db(), a[1], ValueType.SET);
        if (set == null) {
            return NullReply.BULK;
        }
        byte[] member = new ElementSampler(set).pick();
        set.removeFound(member);
        set.save();
        set.rememberRemoved(member);
        return bulk(member);
    }

    private Reply spopCount(Session s, byte[][] a) {
        long count = Args.parseLong(a[2]);
        if (count == Args.INVALID || count < 0) {
            return MUST_BE_POSITIVE;
        }
        int db = s.db();
        CollectionKey set = CollectionKey.existing(ctx, db, a[1], ValueType.SET);
        if (set == null || count == 0) {
            return ArrayReply.EMPTY_SET;
        }
        long size = set.count();
        ElementSampler sampler = new ElementSampler(set);
        if (count >= size) {
            List<byte[]> all = sampler.all();
            ctx.keyspace().delete(db, a[1]);
            return ArrayReply.set(bulks(all));
        }
        long remaining = size - count;
        boolean rebuild = remaining * SPOP_MOVE_MUL <= count;
        List<byte[]> popped;
        boolean[] keptAllInts = {true};
        boolean small = sampler.small();
        if (small) {
            List<byte[]> all = sampler.all();
            shuffleHead(sampler, all, (int) count);
            popped = all.subList(0, (int) count);
            for (byte[] m : all.subList((int) count, all.size())) {
                keptAllInts[0] &= Args.isLong(member(m));
            }
        } else if (!rebuild) {
            // each pick is removed before the next, so the picks are distinct
            popped = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                byte[] m = sampler.pick();
                set.remove(m);
                popped.add(m);
            }
        } else {
            popped = choose(set, sampler, count, keptAllInts);
        }
        if (small || rebuild) {
            for (byte[] m : popped) {
                set.remove(m);
            }
        }
        if (rebuild) {
            // Redis builds a new set from the members that stay, choosing its encoding afresh
            boolean intset = keptAllInts[0] && remaining <= intsetMax.get();
            int flags = set.meta().flags();
            set.meta(set.meta().withFlags(intset ? flags & ~CollectionMeta.FLAG_BIG : flags | CollectionMeta.FLAG_BIG));
        }
        set.save();
        return ArrayReply.set(bulks(popped));
    }

    private Reply srandmember(Session s, byte[][] a) {
        if (a.length == 3) {
            return srandmemberCount(s, a);
        } else if (a.length > 3) {
            return ErrorReply.SYNTAX;
        }
        CollectionKey set = CollectionKey.read(ctx, s.db(), a[1], ValueType.SET);
        return set == null ? NullReply.BULK : bulk(new ElementSampler(set).pick());
    }

    private Reply srandmemberCount(Session s, byte[][] a) {
        long l = Args.parseLong(a[2]);
        if (l == Args.INVALID) {
            return Args.isLong(a[2]) ? COUNT_RANGE : ErrorReply.NOT_INTEGER;
        }
        CollectionKey set = CollectionKey.read(ctx, s.db(), a[1], ValueType.SET);
        if (set == null || l == 0) {
            return ArrayReply.EMPTY;
        }
        long size = set.count();
        ElementSampler sampler = new ElementSampler(set);
        if (l < 0) {
            long count = -l;
            List<Reply> out = new ArrayList<>((int) Math.min(count, 1 << 20));
            if (sampler.small()) {
                List<Reply> members = bulks(sampler.all());
                for (long i = 0; i < count; i++) {
                    out.add(members.get((int) sampler.random(members.size())));
                }
            } else {
                for (long i = 0; i < count; i++) {
                    out.add(bulk(sampler.pick()));
                }
            }
            return ArrayReply.of(out);
        }
        if (l >= size) {
            return ArrayReply.of(bulks(sampler.all()));
        }
        int count = (int) l; // l < size, and a set that is walked this way has fewer than 2^31 members here
        if (sampler.small()) {
            List<byte[]> all = sampler.all();
            shuffleHead(sampler, all, count);
            return ArrayReply.of(bulks(all.subList(0, count)));
        }
        if ((long) count * SRAND_SUB_MUL <= size) {
            // few members of a big set: distinct random picks, with a bounded number of tries
            java.util.Map<java.nio.ByteBuffer, byte[]> picked = new java.util.LinkedHashMap<>();
            for (long tries = 4L * count + 64; tries > 0 && picked.size() < count; tries--) {
                byte[] m = sampler.pick();
                picked.putIfAbsent(java.nio.ByteBuffer.wrap(m), m);
            }
            if (picked.size() == count) {
                return ArrayReply.of(bulks(new ArrayList<>(picked.values())));
            }
        }
        return ArrayReply.of(bulks(choose(set, sampler, count, null)));
    }

    /** Moves a uniform random choice of {@code n} members of {@code list} to its head (partial Fisher-Yates). */
    private static void shuffleHead(ElementSampler sampler, List<byte[]> list, int n) {
        for (int i = 0; i < n; i++) {
            int j = i + (int) sampler.random(list.size() - i);
            byte[] t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /**
     * Knuth's selection sampling (Algorithm S): one walk of the set choosing each member with
     * probability (still needed) / (still unseen), which yields a uniform choice of {@code n} members.
     * {@code keptAllInts}, if given, learns whether every member not chosen is an integer.
     */
    private static List<byte[]> choose(CollectionKey set, ElementSampler sampler, long n, boolean[] keptAllInts) {
        long total = set.count();
        List<byte[]> out = new ArrayList<>((int) Math.min(n, 1 << 20));
        long[] seen = {0};
        set.forEach(null, null, (m, v) -> {
            long needed = n - out.size();
            long unseen = total - seen[0]++;
            if (needed > 0 && sampler.random(unseen) < needed) {
                out.add(m);
            } else if (keptAllInts != null) {
                keptAllInts[0] &= Args.isLong(member(m));
            }
            return true;
        });
        return out;
    }

    // ---- SSCAN ----

    /** SSCAN key cursor [MATCH pattern] [COUNT count], as {@link ElementScan} walks it; an intset is sorted. */
    private Reply sscan(Session s, byte[][] a) {
        return ElementScan.scan(a, key -> CollectionKey.read(ctx, s.db(), key, ValueType.SET),
                (member, value, out) -> out.add(new BulkReply(member)), set -> (match, out) -> {
                    List<byte[]> members = new ArrayList<>();
                    set.forEach(null, null, (element, value) -> members.add(member(element)));
                    members.sort(java.util.Comparator.comparingLong(Args::parseLong));
                    for (byte[] m : members) {
                        if (match == null || match.matches(m)) {
                            out.add(new BulkReply(m));
                        }
                    }
                });
    }
}
