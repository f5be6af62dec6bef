package kvstore.cluster;

import kvstore.keyspace.UnavailableException;
import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A quorum read of a range of storage keys inside one slot (a collection's elements), page by page.
 *
 * <p>Each page asks every replica of the slot for up to {@link #PAGE} entries from the current start
 * ({@code RANGE}) and goes on once R have answered. A replica whose page was cut short by the limit
 * only vouches for keys up to its last one, so the merged page ends at the smallest such last key;
 * the next page starts right after it. Entries are merged key by key ({@link SiblingSet#merge}).
 * A replica that answered with a different set for a key of the page, or without the key, is sent
 * the merge (read repair, as for single keys).
 */
final class RangeRead {
    /** Entries per replica and page. */
    static final int PAGE = 256;

    /** Receives merged entries in key order; returns false to stop. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(byte[] sk, SiblingSet merged);
    }

    private record Page(List<byte[]> keys, List<SiblingSet> sets, boolean full) {
    }

    private final List<RingMember> prefs;
    /** The slot's replicas: {@link #prefs} with stand-ins for down replicas replaced back. */
    private final List<RingMember> replicas;
    private final RingMember self;
    /** False while this node is still receiving the slot: its own copy does not answer. */
    private final boolean localReady;
    private final int r;
    private final LocalReplica replica;
    private final RingCoordinator peers;
    private final Duration timeout;
    private final Executor background;
    private final Runnable onRepair;

    RangeRead(List<RingMember> prefs, List<RingMember> replicas, RingMember self, boolean localReady, int r,
              LocalReplica replica, RingCoordinator peers, Duration timeout, Executor background, Runnable onRepair) {
        this.replicas = replicas;
        this.localReady = localReady;
        this.prefs = prefs;
        this.self = self;
        this.r = r;
        this.replica = replica;
        this.peers = peers;
        this.timeout = timeout;
        this.background = background;
        this.onRepair = onRepair;
    }

    /** Walks the merged entries {@code lo <= key < hi}. */
    void walk(byte[] lo, byte[] hi, Visitor visitor) {
        byte[] from = lo;
        while (true) {
            Page[] pages = fetch(from, hi);
            byte[] bound = null; // last key every answering replica covered; null: all of the range
            for (Page p : pages) {
                if (p != null && p.full) {
                    byte[] last = p.keys.get(p.keys.size() - 1);
                    if (bound == null || Arrays.compareUnsigned(last, bound) < 0) {
                        bound = last;
                    }
                }
            }
            TreeMap<byte[], SiblingSet> merged = new TreeMap<>(Arrays::compareUnsigned);
            for (Page p : pages) {
                if (p == null) {
                    continue;
                }
                for (int i = 0; i < p.keys.size(); i++) {
                    byte[] k = p.keys.get(i);
                    if (bound == null || Arrays.compareUnsigned(k, bound) <= 0) {
                        merged.merge(k, p.sets.get(i), SiblingSet::merge);
                    }
                }
            }
            repair(pages, merged);
            for (Map.Entry<byte[], SiblingSet> e : merged.entrySet()) {
                if (!visitor.visit(e.getKey(), e.getValue())) {
                    return;
                }
            }
            if (bound == null) {
                return;
            }
            from = Arrays.copyOf(bound, bound.length + 1); // the first key after bound
        }
    }

    /** The pages of the replicas that answered by the time R had; null for the others. */
    private Page[] fetch(byte[] from, byte[] hi) {
        Page[] pages = new Page[prefs.size()];
        int local = prefs.indexOf(self);
        if (local >= 0 && localReady) {
            pages[local] = localPage(from, hi);
            if (r == 1) {
                return pages; // R=1 on a replica answers from its own copy
            }
        }
        CompletableFuture<Void> quorum = new CompletableFuture<>();
        // answered, failed: this node's copy counts as one or the other (still receiving the slot)
        int[] counts = {local >= 0 && localReady ? 1 : 0, local >= 0 && !localReady ? 1 : 0};
        byte[] request = request(from, hi);
        for (int i = 0; i < prefs.size(); i++) {
            if (i == local) {
                continue;
            }
            int at = i;
            peers.request(prefs.get(i), ReplicaMessages.RANGE, request, timeout).whenComplete((bytes, e) -> {
                Page p = null;
                if (e == null) {
                    try {
                        p = decode(bytes);
                    } catch (RuntimeException x) {
                        // malformed: counted as no answer
                    }
                }
                synchronized (pages) {
                    if (p != null) {
                        pages[at] = p;
                        counts[0]++;
                    } else {
                        counts[1]++;
                    }
                    if (counts[0] >= r) {
                        quorum.complete(null);
                    } else if (counts[0] + counts[1] == prefs.size()) {
                        quorum.completeExceptionally(new TimeoutException());
                    }
                }
            });
        }
        try {
            quorum.get(timeout.toMillis() + 50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("NOREPLICAS Not enough good replicas to read. (interrupted)");
        } catch (ExecutionException | TimeoutException e) {
            synchronized (pages) {
                throw new UnavailableException("NOREPLICAS Not enough good replicas to read. (answered: "
                        + counts[0] + " of " + r + ")");
            }
        }
        synchronized (pages) {
            return pages.clone();
        }
    }

    private Page localPage(byte[] from, byte[] hi) {
        return page(replica, peers.handoff(), from, hi, PAGE);
    }

    /** Sends each answering replica the merged sets it lacks or holds differently. */
    private void repair(Page[] pages, TreeMap<byte[], SiblingSet> merged) {
        for (int i = 0; i < pages.length; i++) {
            Page p = pages[i];
            if (p == null) {
                continue;
            }
            Map<ByteBuffer, SiblingSet> held = new HashMap<>();
            for (int j = 0; j < p.keys.size(); j++) {
                held.put(ByteBuffer.wrap(p.keys.get(j)), p.sets.get(j));
            }
            RingMember m = prefs.get(i);
            if (!replicas.contains(m)) {
                continue; // a stand-in for a down replica holds hints, not the slot
            }
            for (Map.Entry<byte[], SiblingSet> e : merged.entrySet()) {
                SiblingSet mine = held.get(ByteBuffer.wrap(e.getKey()));
                if (mine != null && RingCoordinator.sameSet(mine, e.getValue())) {
                    continue;
                }
                onRepair.run();
                byte[] sk = e.getKey();
                SiblingSet set = e.getValue();
                if (m.equals(self)) {
                    background.execute(() -> replica.merge(sk, set));
                } else {
                    peers.request(m, ReplicaMessages.MERGE, ReplicaMessages.merge(sk, set), timeout);
                }
            }
        }
    }

    static byte[] request(byte[] from, byte[] hi) {
        return ByteBuffer.allocate(12 + from.length + hi.length).putInt(from.length).put(from)
                .putInt(hi.length).put(hi).putInt(PAGE).array();
    }

    /** Serves a RANGE request from this node's replica. */
    /**
     * Up to {@code limit} entries {@code from <= key < hi} of this node: its replica's, merged with the
     * hints it holds for a replica that is down (as a stand-in).
     */
    private static Page page(LocalReplica replica, HintedHandoff handoff, byte[] from, byte[] hi, int limit) {
        List<byte[]> keys = new ArrayList<>();
        List<SiblingSet> sets = new ArrayList<>();
        boolean full = replica.rangeSets(from, hi, limit, keys, sets);
        java.util.NavigableMap<byte[], SiblingSet> hinted = handoff.hinted(from, hi);
        if (hinted.isEmpty()) {
            return new Page(keys, sets, full);
        }
        TreeMap<byte[], SiblingSet> merged = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < keys.size(); i++) {
            merged.put(keys.get(i), sets.get(i));
        }
        byte[] last = full ? keys.get(keys.size() - 1) : null;
        hinted.forEach((k, v) -> {
            if (last == null || Arrays.compareUnsigned(k, last) <= 0) {
                merged.merge(k, v, SiblingSet::merge);
            }
        });
        keys = new ArrayList<>(merged.keySet());
        sets = new ArrayList<>(merged.values());
        if (keys.size() > limit) {
            return new Page(keys.subList(0, limit), sets.subList(0, limit), true);
        }
        return new Page(keys, sets, full);
    }

    static byte[] serve(LocalReplica replica, HintedHandoff handoff, byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        byte[] from = ReplicaMessages.bytes(b, b.getInt());
        byte[] hi = ReplicaMessages.bytes(b, b.getInt());
        int limit = Math.max(1, Math.min(b.getInt(), PAGE));
        Page page = page(replica, handoff, from, hi, limit);
        List<byte[]> keys = page.keys;
        List<SiblingSet> sets = page.sets;
        boolean full = page.full;
        int size = 5;
        for (int i = 0; i < keys.size(); i++) {
            size += 4 + keys.get(i).length + 4 + SiblingSetCodec.size(sets.get(i));
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) (full ? 1 : 0)).putInt(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            out.putInt(keys.get(i).length).put(keys.get(i)).putInt(SiblingSetCodec.size(sets.get(i)));
            SiblingSetCodec.write(out, sets.get(i));
        }
        return out.array();
    }

    private static Page decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        boolean full = b.get() != 0;
        int n = b.getInt();
        if (n < 0 || n > PAGE) {
            throw new IllegalArgumentException("bad entry count " + n);
        }
        List<byte[]> keys = new ArrayList<>(n);
        List<SiblingSet> sets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(ReplicaMessages.bytes(b, b.getInt()));
            sets.add(SiblingSetCodec.decode(ReplicaMessages.bytes(b, b.getInt())));
        }
        if (full && n == 0) {
            throw new IllegalArgumentException("a full page without entries");
        }
        return new Page(keys, sets, full);
    }
}
