package kvstore.cluster;

import kvstore.keyspace.CollectionMeta;
import kvstore.keyspace.CounterKind;
import kvstore.keyspace.Keyspace;
import kvstore.keyspace.ValueType;
import kvstore.storage.StorageKey;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The elements of collections on a ring, and the rules that merge concurrent changes to them.
 *
 * <ul>
 * <li>List pushes are written with the list type as a marker ({@link #insert}): pushes made at one
 * position concurrently are all elements, while concurrent in-place writes (LSET) are siblings of
 * one element.</li>
 * <li>Each element entry is a key of its own for the ring: read at R, written at W with the context
 * the command read, repaired like any key. Writes of one element on two sides of a partition become
 * siblings of that element.</li>
 * <li><b>Add wins</b> (observed-remove): a removal is a tombstone superseding only the versions the
 * remover read, so an add it did not see stays a sibling, and reads take the latest live sibling
 * ({@link SiblingSet#liveWinner}). Deleting a collection tombstones every element it read.</li>
 * <li><b>The key entry</b> (count, flags, head) is written by every command that changes an element,
 * so concurrent changes always leave concurrent key-entry siblings. A live collection sibling wins
 * over a delete, and a read of such a key marks its metadata {@link CollectionMeta#FLAG_CONFLICT};
 * the command layer then recounts from the elements and writes the result back.</li>
 * <li><b>Leftovers:</b> a collection that ended without its elements being removed (it expired, or
 * a plain SET that did not read the key replaced it) leaves element entries behind. Before a command
 * adds elements under a key with no live collection, the element versions written up to the end of
 * the key's previous value are removed; later ones belong to a concurrent creator and stay.</li>
 * </ul>
 */
final class RingElements {
    private static final byte STRING = ValueType.STRING.id();
    /** The type byte of a list element written by a push ({@link #insert}). */
    private static final byte INSERTED = ValueType.LIST.id();
    private static final byte[] FIRST_ELEMENT = {0};
    private static final Comparator<Version> OLDEST_FIRST = (a, b) -> a.winsOver(b) ? 1 : b.winsOver(a) ? -1 : 0;

    private final RingCoordinator ring;

    RingElements(RingCoordinator ring) {
        this.ring = ring;
    }

    /**
     * The version a plain read of a key returns: the latest sibling, except that a live collection
     * wins over a later delete or expired version (removals are observed-remove, so a concurrent
     * delete did not see everything the collection holds). A live winner of any type stays the
     * winner: the latest write decides the type.
     */
    static Version readWinner(SiblingSet set, long now) {
        Version w = set.winner();
        if (set.size() == 1 || (!w.isTombstone() && !w.isExpiredAt(now))) {
            return w;
        }
        Version live = null;
        for (Version v : set.versions()) {
            if (!v.isTombstone() && !v.isExpiredAt(now) && ValueType.isCollection(v.type()) && (live == null || v.winsOver(live))) {
                live = v;
            }
        }
        return live != null ? live : w;
    }

    /** A collection's metadata as a read returns it: marked conflicted if the key has several siblings. */
    static byte[] metadataOf(SiblingSet set, Version winner) {
        if (set.size() == 1) {
            return winner.value();
        }
        CollectionMeta m = CollectionMeta.decode(winner.value());
        return m.withFlags(m.flags() | CollectionMeta.FLAG_CONFLICT).encode();
    }

    static boolean holdsCollection(SiblingSet set) {
        for (Version v : set.versions()) {
            if (!v.isTombstone() && ValueType.isCollection(v.type())) {
                return true;
            }
        }
        return false;
    }

    /** Called before a string is written over {@code old}, as the command read it: ends a live collection. */
    void beforeStringWrite(byte[] sk, SiblingSet old, long now) {
        if (old != null) {
            Version w = readWinner(old, now);
            if (!w.isTombstone() && !w.isExpiredAt(now) && ValueType.isCollection(w.type())) {
                removeAll(sk, Long.MAX_VALUE);
            }
        }
    }

    /**
     * Called before elements are added under a key whose value {@code old} is not a live collection:
     * removes the element versions written before that value ended.
     */
    void clearLeftovers(byte[] sk, SiblingSet old, long now) {
        removeAll(sk, endOf(old, now));
    }

    /** When the value in {@code set} ended: its latest write, or the expiry of an expired version. */
    private static long endOf(SiblingSet set, long now) {
        long end = 0;
        for (Version v : set.versions()) {
            end = Math.max(end, v.timestamp());
            if (v.isExpiredAt(now)) {
                end = Math.max(end, v.expireAt());
            }
        }
        return end;
    }

    /**
     * Tombstones every element of the collection at {@code sk} whose live versions were all written
     * at or before {@code until}, superseding the versions read (observed-remove).
     */
    void removeAll(byte[] sk, long until) {
        ring.rangeRead(StorageKey.slot(sk)).walk(LocalReplica.elementKey(sk, FIRST_ELEMENT), LocalReplica.prefixEnd(sk),
                (ek, set) -> {
                    if (set.liveWinner() != null && newestLive(set) <= until) {
                        ring.write(ek, set.clock(), Version.NO_EXPIRY, STRING, null);
                    }
                    return true;
                });
    }

    private static long newestLive(SiblingSet set) {
        long t = Long.MIN_VALUE;
        for (Version v : set.versions()) {
            if (!v.isTombstone()) {
                t = Math.max(t, v.timestamp());
            }
        }
        return t;
    }

    byte[] get(int db, byte[] key, byte[] element) {
        SiblingSet set = ring.readSet(elementKey(db, key, element));
        Version v = set == null ? null : set.liveWinner();
        return v == null ? null : valueOf(set, v);
    }

    /** The value of an element's live winner: a counter's sum, or the value as written. */
    private static byte[] valueOf(SiblingSet set, Version v) {
        return v.type() == Counters.TYPE ? Counters.render(set, v) : v.value();
    }

    /** HINCRBY and friends on an element: a counter increment (see {@link Counters}). */
    void increment(int db, byte[] key, byte[] element, byte[] after, BigDecimal before, BigDecimal delta,
                   CounterKind kind) {
        byte[] ek = elementKey(db, key, element);
        SiblingSet seen = ring.readSet(ek);
        Version winner = seen == null ? null : seen.liveWinner();
        ring.write(ek, seen == null ? VersionVector.EMPTY : seen.clock(), Version.NO_EXPIRY, Counters.OP,
                Counters.op(seen, winner, kind, before, delta, after));
    }

    void put(int db, byte[] key, byte[] element, byte[] value) {
        byte[] ek = elementKey(db, key, element);
        ring.write(ek, ring.contextSeen(ek), Version.NO_EXPIRY, STRING, value);
    }

    /** A push: written with the list type as a marker, so that concurrent pushes at one position all count. */
    void insert(int db, byte[] key, byte[] element, byte[] value) {
        byte[] ek = elementKey(db, key, element);
        ring.write(ek, ring.contextSeen(ek), Version.NO_EXPIRY, INSERTED, value);
    }

    boolean remove(int db, byte[] key, byte[] element) {
        byte[] ek = elementKey(db, key, element);
        SiblingSet set = ring.readSet(ek);
        if (set == null || set.liveWinner() == null) {
            return false;
        }
        ring.write(ek, set.clock(), Version.NO_EXPIRY, STRING, null);
        return true;
    }

    void walk(int db, byte[] key, byte[] from, byte[] to, Keyspace.ElementVisitor visitor) {
        byte[] sk = LocalReplica.storageKey(db, key);
        byte[] lo = LocalReplica.elementKey(sk, from == null ? FIRST_ELEMENT : from);
        byte[] hi = to == null ? LocalReplica.prefixEnd(sk) : LocalReplica.elementKey(sk, to);
        ring.rangeRead(StorageKey.slot(sk)).walk(lo, hi, (ek, set) -> {
            Version v = set.liveWinner();
            if (v == null) {
                return true;
            }
            ring.remember(ek, set);
            return visitor.visit(Arrays.copyOfRange(ek, sk.length, ek.length), valueOf(set, v));
        });
    }

    void walkValues(int db, byte[] key, Keyspace.ElementValuesVisitor visitor) {
        byte[] sk = LocalReplica.storageKey(db, key);
        ring.rangeRead(StorageKey.slot(sk)).walk(LocalReplica.elementKey(sk, FIRST_ELEMENT), LocalReplica.prefixEnd(sk),
                (ek, set) -> {
                    List<Version> live = new ArrayList<>(set.size());
                    for (Version v : set.versions()) {
                        if (!v.isTombstone() && v.type() == INSERTED) {
                            live.add(v); // concurrent pushes: every one is an element
                        }
                    }
                    if (live.isEmpty()) { // written in place (LSET): one element, the latest value
                        Version w = set.liveWinner();
                        if (w == null) {
                            return true;
                        }
                        live.add(w);
                    }
                    live.sort(OLDEST_FIRST);
                    List<byte[]> values = new ArrayList<>(live.size());
                    for (Version v : live) {
                        values.add(valueOf(set, v));
                    }
                    ring.remember(ek, set);
                    return visitor.visit(Arrays.copyOfRange(ek, sk.length, ek.length), values);
                });
    }

    private static byte[] elementKey(int db, byte[] key, byte[] element) {
        return LocalReplica.elementKey(LocalReplica.storageKey(db, key), element);
    }
}
