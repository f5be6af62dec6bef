package kvstore.version;

import java.util.Arrays;

/**
 * An immutable map from replica actor to the highest counter of that actor that has been seen.
 * Actors are kept sorted so that merge and comparison are linear; the vector holds at most one
 * entry per replica that ever coordinated a write of the key, so it stays small.
 */
public final class VersionVector {
    public static final VersionVector EMPTY = new VersionVector(new long[0], new long[0]);

    private final long[] actors;
    private final long[] counters;

    private VersionVector(long[] actors, long[] counters) {
        this.actors = actors;
        this.counters = counters;
    }

    public static VersionVector of(long[] actors, long[] counters) {
        if (actors.length != counters.length) {
            throw new IllegalArgumentException("actors and counters differ in length");
        }
        VersionVector v = EMPTY;
        for (int i = 0; i < actors.length; i++) {
            v = v.with(actors[i], Math.max(v.get(actors[i]), counters[i]));
        }
        return v;
    }

    public int size() {
        return actors.length;
    }

    public long actorAt(int i) {
        return actors[i];
    }

    public long counterAt(int i) {
        return counters[i];
    }

    /** The counter of {@code actor}, or 0 if the actor is unknown. */
    public long get(long actor) {
        int i = Arrays.binarySearch(actors, actor);
        return i >= 0 ? counters[i] : 0;
    }

    /** True if this vector has seen the write identified by {@code dot}. */
    public boolean covers(Dot dot) {
        return get(dot.actor()) >= dot.counter();
    }

    /** A copy with {@code actor} set to {@code counter}. */
    public VersionVector with(long actor, long counter) {
        int i = Arrays.binarySearch(actors, actor);
        if (i >= 0) {
            if (counters[i] == counter) {
                return this;
            }
            long[] c = counters.clone();
            c[i] = counter;
            return new VersionVector(actors, c);
        }
        int at = -i - 1;
        long[] a = new long[actors.length + 1];
        long[] c = new long[actors.length + 1];
        System.arraycopy(actors, 0, a, 0, at);
        System.arraycopy(counters, 0, c, 0, at);
        a[at] = actor;
        c[at] = counter;
        System.arraycopy(actors, at, a, at + 1, actors.length - at);
        System.arraycopy(counters, at, c, at + 1, actors.length - at);
        return new VersionVector(a, c);
    }

    /** The pointwise maximum of both vectors. */
    public VersionVector merge(VersionVector other) {
        VersionVector m = this;
        for (int i = 0; i < other.actors.length; i++) {
            if (other.counters[i] > m.get(other.actors[i])) {
                m = m.with(other.actors[i], other.counters[i]);
            }
        }
        return m;
    }

    /** True if this vector has seen everything {@code other} has. */
    public boolean descends(VersionVector other) {
        for (int i = 0; i < other.actors.length; i++) {
            if (get(other.actors[i]) < other.counters[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector v && Arrays.equals(actors, v.actors) && Arrays.equals(counters, v.counters);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(actors) + Arrays.hashCode(counters);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < actors.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(actors[i]).append('=').append(counters[i]);
        }
        return sb.append('}').toString();
    }
}
