package kvstore.version;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A dotted version vector set: the causal history of a key (its clock) and the versions that no
 * other version supersedes (the siblings). With no concurrency there is exactly one sibling.
 *
 * <p>Rules (Preguiça et al., "Dotted Version Vectors"): a write made with a context supersedes exactly
 * the siblings whose dots the context covers; a merge keeps a sibling unless the other side's clock
 * covers its dot and the other side no longer holds it.
 */
public final class SiblingSet {
    private static final Comparator<Version> BY_DOT = (a, b) -> a.actor() != b.actor()
            ? Long.compare(a.actor(), b.actor()) : Long.compare(a.counter(), b.counter());

    private final VersionVector clock;
    private final Version[] versions;

    public SiblingSet(VersionVector clock, List<Version> versions) {
        this(clock, versions.toArray(new Version[0]));
    }

    private SiblingSet(VersionVector clock, Version[] versions) {
        if (versions.length == 0) {
            throw new IllegalArgumentException("a sibling set holds at least one version");
        }
        this.clock = clock;
        this.versions = versions;
    }

    public VersionVector clock() {
        return clock;
    }

    public List<Version> versions() {
        return List.of(versions);
    }

    public int size() {
        return versions.length;
    }

    /**
     * The result of a write coordinated by {@code actor}: a new dot after everything this set's clock
     * has seen of that actor, replacing the siblings covered by {@code context}.
     */
    public static SiblingSet write(SiblingSet current, VersionVector context, long actor, long timestamp,
                                   long expireAt, byte type, byte[] value) {
        VersionVector clock = current == null ? VersionVector.EMPTY : current.clock;
        long counter = clock.get(actor) + 1;
        Version written = new Version(actor, counter, timestamp, expireAt, type, value);
        if (current == null) {
            return new SiblingSet(clock.with(actor, counter), new Version[] {written});
        }
        VersionVector next = clock.merge(context).with(actor, counter);
        if (current.versions.length == 1) {
            Version only = current.versions[0];
            // the common case: the writer saw the only version, which the new one replaces
            return context.covers(only.actor(), only.counter())
                    ? new SiblingSet(next, new Version[] {written})
                    : new SiblingSet(next, new Version[] {only, written});
        }
        List<Version> kept = new ArrayList<>(current.versions.length + 1);
        for (Version v : current.versions) {
            if (!context.covers(v.actor(), v.counter())) {
                kept.add(v);
            }
        }
        kept.add(written);
        return new SiblingSet(next, kept.toArray(new Version[0]));
    }

    /** Combines two replicas' sets of one key; commutative, associative and idempotent. */
    public SiblingSet merge(SiblingSet other) {
        List<Version> kept = new ArrayList<>(versions.length + other.versions.length);
        for (Version v : versions) {
            if (!other.clock.covers(v.actor(), v.counter()) || other.contains(v)) {
                kept.add(v);
            }
        }
        for (Version v : other.versions) {
            if (!clock.covers(v.actor(), v.counter()) && !contains(kept, v)) {
                kept.add(v);
            }
        }
        Version[] merged = kept.toArray(new Version[0]);
        Arrays.sort(merged, BY_DOT);
        return new SiblingSet(clock.merge(other.clock), merged);
    }

    public boolean contains(Dot dot) {
        for (Version v : versions) {
            if (v.hasDot(dot.actor(), dot.counter())) {
                return true;
            }
        }
        return false;
    }

    private boolean contains(Version x) {
        for (Version v : versions) {
            if (v.hasDot(x.actor(), x.counter())) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(List<Version> vs, Version x) {
        for (Version v : vs) {
            if (v.hasDot(x.actor(), x.counter())) {
                return true;
            }
        }
        return false;
    }

    /** The sibling a plain read returns: the latest (timestamp, actor), the same on every replica. */
    public Version winner() {
        Version best = versions[0];
        for (int i = 1; i < versions.length; i++) {
            if (versions[i].winsOver(best)) {
                best = versions[i];
            }
        }
        return best;
    }

    /**
     * The add-wins read of a collection's element: the latest sibling that holds a value, or null if
     * every sibling is a tombstone. A remove only supersedes the versions it saw, so a concurrent add
     * survives as a sibling next to its tombstone, and this read keeps it (observed-remove).
     */
    public Version liveWinner() {
        Version best = null;
        for (Version v : versions) {
            if (!v.isTombstone() && (best == null || v.winsOver(best))) {
                best = v;
            }
        }
        return best;
    }

    /** The latest write timestamp among the siblings (ms). */
    public long newestTimestamp() {
        long t = 0;
        for (Version v : versions) {
            t = Math.max(t, v.timestamp());
        }
        return t;
    }
}
