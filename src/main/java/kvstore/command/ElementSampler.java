package kvstore.command;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import kvstore.keyspace.Keyspace;

/**
 * Random elements of one collection of {@link HashedElement}s (HRANDFIELD, SPOP, SRANDMEMBER) without
 * loading it into memory.
 *
 * <p>Up to {@link #SMALL} elements a pick is exactly uniform: it walks to a random index (at most
 * {@code SMALL} element reads), and the count forms may hold the elements in a list. A larger
 * collection is entered at a uniformly random position of its 32-bit hash circle and the next element
 * is taken (one seek, wrapping around at the end): an element is picked with probability proportional
 * to the gap before it, so the pick is fair up to the spread of the hash, as Redis's own
 * dictGetFairRandomKey is fair only up to its bucket sizes. Elements removed between picks (SPOP) are
 * simply not found again.
 */
final class ElementSampler {
    /** Collections up to this size are sampled exactly (and their elements may be held in a list). */
    static final int SMALL = 1024;

    private final ElementRange collection;
    private final SplittableRandom rnd = new SplittableRandom();

    ElementSampler(ElementRange collection) {
        this.collection = collection;
    }

    boolean small() {
        return collection.count() <= SMALL;
    }

    long random(long bound) {
        return rnd.nextLong(bound);
    }

    /** One random element of the (non-empty) collection as it is now. */
    byte[] pick() {
        return pickWithValue()[0];
    }

    /** One random {element, value} of the (non-empty) collection as it is now. */
    byte[][] pickWithValue() {
        if (small()) {
            List<byte[][]> all = collection.remembered();
            if (all != null) {
                byte[][] p = all.get(rnd.nextInt(all.size()));
                return new byte[][] {p[0], p[1]};
            }
            return stepFrom(null, rnd.nextLong(collection.count()));
        }
        return stepFrom(HashedElement.at(rnd.nextLong(1L << 32)), 0);
    }

    /** The element {@code steps} places after the first one at or after {@code from}, wrapping around. */
    private byte[][] stepFrom(byte[] from, long steps) {
        byte[][] found = new byte[2][];
        long[] left = {steps};
        Keyspace.ElementVisitor take = (e, v) -> {
            found[0] = e;
            found[1] = v;
            return left[0]-- > 0;
        };
        collection.forEach(from, null, take);
        if (found[0] == null || left[0] >= 0) {
            collection.forEach(null, null, take);
        }
        return found;
    }

    /** Every element, for collections of at most {@link #SMALL} elements (or when the reply holds them all anyway). */
    List<byte[]> all() {
        List<byte[][]> remembered = small() ? collection.remembered() : null;
        if (remembered != null) {
            List<byte[]> out = new ArrayList<>(remembered.size());
            for (byte[][] p : remembered) {
                out.add(p[0]);
            }
            return out;
        }
        List<byte[]> out = new ArrayList<>((int) Math.min(collection.count(), 1 << 16));
        collection.forEach(null, null, (e, v) -> {
            out.add(e);
            return true;
        });
        return out;
    }
}
