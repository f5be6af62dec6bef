package kvstore.cluster;

import kvstore.keyspace.CounterKind;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters on a ring (INCR and friends, HINCRBY, ZINCRBY): PN-counters, so that increments made on
 * both sides of a partition add up instead of one replacing the other.
 *
 * <p>A counter version holds, per replica actor, the total it added (P) and the total it subtracted
 * (N), both only ever growing; two versions of one counter merge by taking each actor's larger P and
 * larger N, and the value is {@code base + sum(P) - sum(N)}. The base is the plain value the counting
 * started from, and the lineage is that value's dot: only counter versions of one lineage merge, so a
 * plain SET (which ends the lineage) concurrent with increments stays a sibling and the latest wins,
 * as for any concurrent writes of a key.
 *
 * <p>An increment reaches the coordinating replica as an operation ({@link #OP}), not a value: the
 * replica adds the delta to its own actor's total under the key's lock, merging what the command read
 * with its own counter versions, so an increment is never lost to a stale read. The new version
 * supersedes what the command read and the counter versions it merged.
 *
 * <p>With one counter version (no concurrency) a read returns the display value its writer computed,
 * byte for byte what Redis would have answered; several versions of one lineage are summed.
 *
 * <p>Stored value of a version of type {@link #TYPE} (big-endian):
 * <pre>
 *   u8   format, 0x01
 *   u8   kind ({@link CounterKind} id)
 *   i64  lineage actor, i64 lineage counter (0, 0: the counter started from nothing)
 *   i32  length, base: decimal text (empty: 0)
 *   i32  n, then n times: i64 actor, i32 length, P as decimal text, i32 length, N as decimal text
 *   i32  length, display: the value in the kind's form (text, or 8 bytes for a score)
 * </pre>
 * An {@link #OP} value is the same layout (the state the command read, and as display the value it
 * computed) followed by i32 length, the delta as decimal text.
 */
final class Counters {
    /** The type id of a stored counter version. */
    static final byte TYPE = 0x10;
    /** The type id of an increment in a write message; never stored. */
    static final byte OP = 0x11;
    private static final byte FORMAT = 0x01;

    private Counters() {
    }

    /** One counter version's content. */
    record State(CounterKind kind, long lineageActor, long lineageCounter, BigDecimal base,
                 TreeMap<Long, BigDecimal[]> totals, byte[] display) {

        boolean sameLineage(State o) {
            return lineageActor == o.lineageActor && lineageCounter == o.lineageCounter;
        }

        BigDecimal value() {
            BigDecimal v = base;
            for (BigDecimal[] pn : totals.values()) {
                v = v.add(pn[0]).subtract(pn[1]);
            }
            return v;
        }

        /** Takes each actor's larger totals from {@code o}; true if any grew. */
        boolean absorb(State o) {
            boolean grew = false;
            for (Map.Entry<Long, BigDecimal[]> e : o.totals.entrySet()) {
                BigDecimal[] mine = totals.computeIfAbsent(e.getKey(), a -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                for (int i = 0; i < 2; i++) {
                    if (e.getValue()[i].compareTo(mine[i]) > 0) {
                        mine[i] = e.getValue()[i];
                        grew = true;
                    }
                }
            }
            return grew;
        }
    }

    /** What a replica stores for an increment, and the context the write supersedes. */
    record Applied(byte[] value, VersionVector context) {
    }

    // ---- the coordinator's side

    /**
     * The increment operation for a command that read {@code set} (null: nothing) and saw
     * {@code winner} as the value, which it showed as {@code before}; it computed {@code after}.
     */
    static byte[] op(SiblingSet set, Version winner, CounterKind kind, BigDecimal before, BigDecimal delta,
                     byte[] after) {
        State seen;
        if (winner != null && winner.type() == TYPE && !winner.isTombstone()) {
            seen = merged(set, winner);
            seen = new State(kind, seen.lineageActor, seen.lineageCounter, seen.base, seen.totals, after);
        } else if (winner != null && !winner.isTombstone()) {
            // a plain value: a new lineage starting from it
            seen = new State(kind, winner.actor(), winner.counter(), before, new TreeMap<>(), after);
        } else {
            seen = new State(kind, 0, 0, BigDecimal.ZERO, new TreeMap<>(), after);
        }
        byte[] state = encode(seen);
        byte[] d = text(delta);
        return ByteBuffer.allocate(state.length + 4 + d.length).put(state).putInt(d.length).put(d).array();
    }

    /** The merge of the counter versions in {@code set} of {@code winner}'s lineage. */
    static State merged(SiblingSet set, Version winner) {
        State w = decode(winner.value());
        State m = new State(w.kind, w.lineageActor, w.lineageCounter, w.base, copy(w.totals), w.display);
        boolean several = false;
        for (Version v : set.versions()) {
            if (v != winner && v.type() == TYPE && !v.isTombstone()) {
                State s = decode(v.value());
                if (s.sameLineage(w)) {
                    m.absorb(s);
                    several = true;
                }
            }
        }
        return several ? new State(m.kind, m.lineageActor, m.lineageCounter, m.base, m.totals, display(m)) : m;
    }

    /** The value a read shows for a counter {@code winner} of {@code set}. */
    static byte[] render(SiblingSet set, Version winner) {
        return merged(set, winner).display;
    }

    // ---- the replica's side

    /** Applies an increment operation to the replica's {@code current} set as actor {@code actor}. */
    static Applied apply(SiblingSet current, VersionVector context, byte[] op, long actor) {
        ByteBuffer b = ByteBuffer.wrap(op);
        State seen = read(b);
        BigDecimal delta = new BigDecimal(new String(ReplicaMessages.bytes(b, b.getInt()), StandardCharsets.US_ASCII));
        State next = new State(seen.kind, seen.lineageActor, seen.lineageCounter, seen.base, copy(seen.totals), seen.display);
        VersionVector ctx = context == null ? VersionVector.EMPTY : context;
        boolean grew = false;
        if (current != null) {
            for (Version v : current.versions()) {
                if (v.type() == TYPE && !v.isTombstone()) {
                    State s = decode(v.value());
                    if (s.sameLineage(seen)) {
                        grew |= next.absorb(s);
                        ctx = ctx.with(v.actor(), Math.max(ctx.get(v.actor()), v.counter()));
                    }
                }
            }
        }
        BigDecimal[] mine = next.totals.computeIfAbsent(actor, a -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
        if (delta.signum() >= 0) {
            mine[0] = mine[0].add(delta);
        } else {
            mine[1] = mine[1].subtract(delta);
        }
        // the command's own result is exact (Redis's formatting) unless this replica knew more
        byte[] shown = grew ? display(next) : seen.display;
        return new Applied(encode(new State(next.kind, next.lineageActor, next.lineageCounter, next.base, next.totals,
                shown)), ctx);
    }

    // ---- display forms

    private static byte[] display(State s) {
        BigDecimal v = s.value();
        return switch (s.kind) {
            case INTEGER -> text(v.setScale(0, RoundingMode.HALF_EVEN));
            case DECIMAL -> text(v.round(MathContext.DECIMAL64).setScale(17, RoundingMode.HALF_EVEN));
            case SCORE -> ByteBuffer.allocate(8).putDouble(v.doubleValue()).array();
        };
    }

    private static byte[] text(BigDecimal v) {
        String s = v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- encoding

    static byte[] encode(State s) {
        byte[] base = s.base.signum() == 0 ? new byte[0] : text(s.base);
        int size = 2 + 16 + 4 + base.length + 4 + 4 + s.display.length;
        byte[][] texts = new byte[s.totals.size() * 2][];
        int i = 0;
        for (BigDecimal[] pn : s.totals.values()) {
            texts[i] = text(pn[0]);
            texts[i + 1] = text(pn[1]);
            size += 8 + 4 + texts[i].length + 4 + texts[i + 1].length;
            i += 2;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(FORMAT).put(s.kind.id())
                .putLong(s.lineageActor).putLong(s.lineageCounter).putInt(base.length).put(base)
                .putInt(s.totals.size());
        i = 0;
        for (Long actor : s.totals.keySet()) {
            b.putLong(actor).putInt(texts[i].length).put(texts[i]).putInt(texts[i + 1].length).put(texts[i + 1]);
            i += 2;
        }
        return b.putInt(s.display.length).put(s.display).array();
    }

    static State decode(byte[] value) {
        return read(ByteBuffer.wrap(value));
    }

    private static State read(ByteBuffer b) {
        if (b.get() != FORMAT) {
            throw new IllegalArgumentException("not a counter");
        }
        CounterKind kind = CounterKind.byId(b.get());
        long lineageActor = b.getLong();
        long lineageCounter = b.getLong();
        byte[] base = ReplicaMessages.bytes(b, b.getInt());
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / 16) {
            throw new IllegalArgumentException("bad counter size " + n);
        }
        TreeMap<Long, BigDecimal[]> totals = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            long actor = b.getLong();
            BigDecimal p = number(ReplicaMessages.bytes(b, b.getInt()));
            BigDecimal m = number(ReplicaMessages.bytes(b, b.getInt()));
            totals.put(actor, new BigDecimal[] {p, m});
        }
        byte[] display = ReplicaMessages.bytes(b, b.getInt());
        return new State(kind, lineageActor, lineageCounter, base.length == 0 ? BigDecimal.ZERO : number(base), totals,
                display);
    }

    private static BigDecimal number(byte[] text) {
        return new BigDecimal(new String(text, StandardCharsets.US_ASCII));
    }

    private static TreeMap<Long, BigDecimal[]> copy(TreeMap<Long, BigDecimal[]> t) {
        TreeMap<Long, BigDecimal[]> c = new TreeMap<>();
        t.forEach((a, pn) -> c.put(a, pn.clone()));
        return c;
    }
}
