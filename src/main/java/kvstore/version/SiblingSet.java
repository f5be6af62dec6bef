package kvstore.version;

import java.util.ArrayList;
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
    private final VersionVector clock;
    private final List<Version> versions;

    public SiblingSet(VersionVector clock, List<Version> versions) {
        this.clock = clock;
        this.versions = List.copyOf(versions);
    }

    public VersionVector clock() {
        return clock;
    }

    public List<Version> versions() {
        return versions;
    }

    /**
     * The result of a write coordinated by {@code actor}: a new dot after everything this set's clock
     * has seen of that actor, replacing the siblings covered by {@code context}.
     */
    public static SiblingSet write(SiblingSet current, VersionVector context, long actor, long timestamp,
                                   long expireAt, byte type, byte[] value) {
        VersionVector clock = current == null ? VersionVector.EMPTY : current.clock;
        Dot dot = new Dot(actor, clock.get(actor) + 1);
        Version written = new Version(dot, timestamp, expireAt, type, value);
        if (current == null) {
            return new SiblingSet(clock.with(actor, dot.counter()), List.of(written));
        }
        if (current.versions.size() == 1 && context.covers(current.versions.get(0).dot())) {
            // the common case: the writer saw the only version, which the new one replaces
            return new SiblingSet(clock.merge(context).with(actor, dot.counter()), List.of(written));
        }
        List<Version> kept = new ArrayList<>(current.versions.size() + 1);
        for (Version v : current.versions) {
            if (!context.covers(v.dot())) {
                kept.add(v);
            }
        }
        kept.add(written);
        return new SiblingSet(clock.merge(context).with(actor, dot.counter()), kept);
    }

    /** Combines two replicas' sets of one key; commutative, associative and idempotent. */
    public SiblingSet merge(SiblingSet other) {
        List<Version> kept = new ArrayList<>(versions.size() + other.versions.size());
        for (Version v : versions) {
            if (!other.clock.covers(v.dot()) || other.contains(v.dot())) {
                kept.add(v);
            }
        }
        for (Version v : other.versions) {
            if (!clock.covers(v.dot()) && !contains(kept, v.dot())) {
                kept.add(v);
            }
        }
        kept.sort((a, b) -> a.dot().actor() != b.dot().actor()
                ? Long.compare(a.dot().actor(), b.dot().actor())
                : Long.compare(a.dot().counter(), b.dot().counter()));
        return new SiblingSet(clock.merge(other.clock), kept);
    }

    public boolean contains(Dot dot) {
        return contains(versions, dot);
    }

    private static boolean contains(List<Version> vs, Dot dot) {
        for (Version v : vs) {
            if (v.dot().equals(dot)) {
                return true;
            }
        }
        return false;
    }

    /** The sibling a plain read returns: the latest (timestamp, actor), the same on every replica. */
    public Version winner() {
        Version best = versions.get(0);
        for (int i = 1; i < versions.size(); i++) {
            if (versions.get(i).winsOver(best)) {
                best = versions.get(i);
            }
        }
        return best;
    }
}
