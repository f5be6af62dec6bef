package kvstore.version;

/**
 * An immutable map from replica actor to the highest counter of that actor that has been seen.
 * Entries are kept sorted by actor in one interleaved array (actor, counter, actor, counter, ...),
 * so that a vector is two objects and merge and comparison are linear; it holds at most one entry
 * per replica that ever coordinated a write of the key, so it stays small.
 */
public final class VersionVector {
    public static final VersionVector EMPTY = new VersionVector(new long[0]);

    private final long[] entries;

    private VersionVector(long[] entries) {
        this.entries = entries;
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
        return entries.length / 2;
    }

    public long actorAt(int i) {
        return entries[2 * i];
    }

    public long counterAt(int i) {
        return entries[2 * i + 1];
    }

    private int indexOf(long actor) {
        for (int i = 0; i < entries.length; i += 2) {
            if (entries[i] == actor) {
                return i;
            }
            if (entries[i] > actor) {
                return -i - 1;
            }
        }
        return -entries.length - 1;
    }

    /** The counter of {@code actor}, or 0 if the actor is unknown. */
    public long get(long actor) {
        int i = indexOf(actor);
        return i >= 0 ? entries[i + 1] : 0;
    }

    /** True if this vector has seen the write identified by {@code dot}. */
    public boolean covers(Dot dot) {
        return covers(dot.actor(), dot.counter());
    }

    public boolean covers(long actor, long counter) {
        return get(actor) >= counter;
    }

    /** A copy with {@code actor} set to {@code counter}. */
    public VersionVector with(long actor, long counter) {
        int i = indexOf(actor);
        if (i >= 0) {
            if (entries[i + 1] == counter) {
                return this;
            }
            long[] e = entries.clone();
            e[i + 1] = counter;
            return new VersionVector(e);
        }
        int at = -i - 1;
        long[] e = new long[entries.length + 2];
        System.arraycopy(entries, 0, e, 0, at);
        e[at] = actor;
        e[at + 1] = counter;
        System.arraycopy(entries, at, e, at + 2, entries.length - at);
        return new VersionVector(e);
    }

    /** The pointwise maximum of both vectors. */
    public VersionVector merge(VersionVector other) {
        VersionVector m = this;
        for (int i = 0; i < other.entries.length; i += 2) {
            if (other.entries[i + 1] > m.get(other.entries[i])) {
                m = m.with(other.entries[i], other.entries[i + 1]);
            }
        }
        return m;
    }

    /** True if this vector has seen everything {@code other} has. */
    public boolean descends(VersionVector other) {
        for (int i = 0; i < other.entries.length; i += 2) {
            if (get(other.entries[i]) < other.entries[i + 1]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector v && java.util.Arrays.equals(entries, v.entries);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(entries);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < entries.length; i += 2) {
            sb.append(i == 0 ? "" : ", ").append(entries[i]).append('=').append(entries[i + 1]);
        }
        return sb.append('}').toString();
    }
}
