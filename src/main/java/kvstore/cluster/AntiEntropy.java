package kvstore.cluster;

import kvstore.transport.PeerTransport;
import kvstore.transport.RequestHandler;
import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Anti-entropy: replicas of a slot compare their {@link MerkleTrees} top-down and exchange only the
 * entries of the leaves that differ. Against one peer, for the slots both replicate: the peer's roots
 * (BUCKETS: one XOR per 64 slots, then ROOTS of the slots of the differing buckets), for each
 * differing root its leaves (LEAVES), for the differing leaves its entries' digests
 * (KEYS); then each entry whose digest differs is read from the peer (READ) and merged here, and this
 * node's merge is sent back (MERGE) where the peer's differs. Merging is commutative and idempotent,
 * so both sides end with the union of their versions whichever side runs the exchange.
 *
 * <p>It runs every {@code anti-entropy-interval} seconds against each peer that is up, throttled to
 * {@code anti-entropy-throughput} bytes per second, and on demand ({@code RING REPAIR}). A replica
 * whose data directory was wiped gets everything back this way; the bytes exchanged are proportional
 * to what differs, not to the data set: 2 KB of buckets when nothing differs, then per differing
 * slot 64 roots of its bucket and its 512-byte leaf vector, per differing entry its digest and its
 * set both ways.
 *
 * <pre>
 * AAE_BUCKETS request: UTF-8 name of the asking node   response: 256 times i64, the XOR of the roots of
 *                                                                the slots of that bucket (64 slots) the
 *                                                                two nodes both replicate
 * AAE_ROOTS  request:  i32 n, n times i32 slot            response: n times i64 root
 * AAE_LEAVES request:  i32 slot                           response: 64 times i64 leaf
 * AAE_KEYS   request:  i32 slot, i64 mask of leaves       response: i32 n, n times (i32 length, storage
 *                                                                  key, i64 digest)
 * </pre>
 */
final class AntiEntropy {
    static final int AAE_ROOTS = 47;
    static final int AAE_LEAVES = 48;
    static final int AAE_KEYS = 49;
    static final int AAE_BUCKETS = 52;
    /** Slots per bucket of the top level: 256 buckets of 64 slots. */
    static final int BUCKET = 64;
    private static final Logger log = LoggerFactory.getLogger(AntiEntropy.class);
    private static final int ROOTS_PER_REQUEST = 2048;
    private static final int IN_FLIGHT = 128;

    /** What one exchange did. */
    record Result(int slotsCompared, int slotsDiffering, long entriesRepaired, long bytes) {
        Result plus(Result o) {
            return new Result(slotsCompared + o.slotsCompared, slotsDiffering + o.slotsDiffering,
                    entriesRepaired + o.entriesRepaired, bytes + o.bytes);
        }
    }

    private final Membership membership;
    private final RingMember self;
    private final LocalReplica replica;
    private final MerkleTrees trees;
    private final PeerTransport transport;
    private final Predicate<String> isUp;
    private final Duration timeout;
    private final long bytesPerSecond;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong repaired = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long lastRunEnd;
    /** Per peer, per slot: when an exchange last found (or left) the two replicas in step, ms. */
    private final Map<String, long[]> inStepAt = new java.util.concurrent.ConcurrentHashMap<>();

    AntiEntropy(Membership membership, RingMember self, LocalReplica replica, PeerTransport transport, Predicate<String> isUp,
                Duration timeout, long bytesPerSecond) {
        this.membership = membership;
        this.self = self;
        this.replica = replica;
        this.trees = replica.trees();
        this.transport = transport;
        this.isUp = isUp;
        this.timeout = timeout;
        this.bytesPerSecond = bytesPerSecond;
    }

    void register() {
        transport.register(AAE_BUCKETS, RequestHandler.nonBlocking((peer, payload) -> {
            RingMember asking = membership.ring().member(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
            if (asking == null) {
                throw new IllegalArgumentException("not a member of this ring");
            }
            ByteBuffer out = ByteBuffer.allocate(8 * (KeySlot.SLOTS / BUCKET));
            for (long b : buckets(shared(asking, -1))) {
                out.putLong(b);
            }
            return CompletableFuture.completedFuture(out.array());
        }));
        transport.register(AAE_ROOTS, RequestHandler.nonBlocking((peer, payload) -> {
            ByteBuffer b = ByteBuffer.wrap(payload);
            int n = b.getInt();
            if (n < 0 || n > KeySlot.SLOTS) {
                throw new IllegalArgumentException("bad slot count " + n);
            }
            ByteBuffer out = ByteBuffer.allocate(8 * n);
            for (int i = 0; i < n; i++) {
                out.putLong(trees.root(checkedSlot(b.getInt())));
            }
            return CompletableFuture.completedFuture(out.array());
        }));
        transport.register(AAE_LEAVES, RequestHandler.nonBlocking((peer, payload) -> {
            ByteBuffer out = ByteBuffer.allocate(8 * MerkleTrees.LEAVES);
            for (long leaf : trees.leaves(checkedSlot(ByteBuffer.wrap(payload).getInt()))) {
                out.putLong(leaf);
            }
            return CompletableFuture.completedFuture(out.array());
        }));
        transport.register(AAE_KEYS, RequestHandler.blocking((peer, payload) -> {
            ByteBuffer b = ByteBuffer.wrap(payload);
            Map<ByteBuffer, Long> digests = digests(checkedSlot(b.getInt()), b.getLong());
            int size = 4;
            for (ByteBuffer k : digests.keySet()) {
                size += 4 + k.remaining() + 8;
            }
            ByteBuffer out = ByteBuffer.allocate(size).putInt(digests.size());
            digests.forEach((k, d) -> out.putInt(k.remaining()).put(k.duplicate()).putLong(d));
            return out.array();
        }));
    }

    private static int checkedSlot(int slot) {
        if (slot < 0 || slot >= KeySlot.SLOTS) {
            throw new IllegalArgumentException("bad slot " + slot);
        }
        return slot;
    }

    /** Runs an exchange with every peer that is up every {@code interval} on {@code timer}. */
    void start(ScheduledExecutorService timer, Duration interval) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                repairAll(-1);
            } catch (RuntimeException e) {
                log.warn("Anti-entropy run failed", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One exchange with every peer that is up, for {@code slot} or (-1) every slot shared with it. */
    Result repairAll(int slot) {
        Result total = new Result(0, 0, 0, 0);
        for (RingMember peer : membership.ring().members()) {
            if (!peer.equals(self) && isUp.test(peer.name())) {
                total = total.plus(exchange(peer, slot));
            }
        }
        runs.incrementAndGet();
        lastRunEnd = System.currentTimeMillis();
        return total;
    }

    /** The slots this node and {@code peer} both replicate ({@code only}: just that one, if so). */
    private List<Integer> shared(RingMember peer, int only) {
        List<Integer> out = new ArrayList<>();
        Ring ring = membership.ring();
        for (int s = only < 0 ? 0 : only; s < (only < 0 ? KeySlot.SLOTS : only + 1); s++) {
            List<RingMember> prefs = ring.preferenceList(s);
            if (prefs.contains(self) && prefs.contains(peer)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Per bucket of 64 slots, the XOR of the roots of {@code slots} in it. */
    private long[] buckets(List<Integer> slots) {
        long[] out = new long[KeySlot.SLOTS / BUCKET];
        for (int s : slots) {
            out[s / BUCKET] ^= trees.root(s);
        }
        return out;
    }

    /** Compares and repairs the slots this node and {@code peer} both replicate (or just {@code only}). */
    Result exchange(RingMember peer, int only) {
        return exchange(peer, shared(peer, only), only < 0, true);
    }

    /**
     * Exchanges {@code slots} with {@code peer} whether or not this node replicates them: slots
     * being received from it, or handed over to it.
     */
    Result exchange(RingMember peer, List<Integer> slots) {
        return exchange(peer, slots, false, true);
    }

    /**
     * Pushes this node's entries of {@code slots}, which it no longer replicates, to {@code peer}, one
     * of their replicas; nothing is pulled (the slots are about to be dropped here).
     */
    Result handOff(RingMember peer, List<Integer> slots) {
        return exchange(peer, slots, false, false);
    }

    /** Compares and repairs {@code shared}, narrowing them down by the bucket XORs first if {@code buckets}. */
    private Result exchange(RingMember peer, List<Integer> shared, boolean buckets, boolean pull) {
        long startedAt = System.currentTimeMillis();
        long start = System.nanoTime();
        long sent = 0;
        List<Integer> candidates = shared;
        if (buckets) {
            byte[] name = self.name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ByteBuffer theirs = ByteBuffer.wrap(call(peer, AAE_BUCKETS, name));
            sent += name.length + theirs.capacity();
            long[] mine = buckets(shared);
            candidates = new ArrayList<>();
            boolean[] differs = new boolean[mine.length];
            for (int b = 0; b < mine.length; b++) {
                differs[b] = theirs.getLong() != mine[b];
            }
            for (int s : shared) {
                if (differs[s / BUCKET]) {
                    candidates.add(s);
                }
            }
        }
        int differing = 0;
        long fixed = 0;
        for (int from = 0; from < candidates.size(); from += ROOTS_PER_REQUEST) {
            List<Integer> part = candidates.subList(from, Math.min(candidates.size(), from + ROOTS_PER_REQUEST));
            ByteBuffer req = ByteBuffer.allocate(4 + 4 * part.size()).putInt(part.size());
            part.forEach(req::putInt);
            ByteBuffer roots = ByteBuffer.wrap(call(peer, AAE_ROOTS, req.array()));
            sent += req.capacity() + roots.capacity();
            for (int slot : part) {
                if (roots.getLong() == trees.root(slot)) {
                    continue;
                }
                differing++;
                long[] counts = repairSlot(peer, slot, pull);
                fixed += counts[0];
                sent += counts[1];
                Throttle.pace(start, sent, bytesPerSecond);
            }
        }
        long[] at = inStepAt.computeIfAbsent(peer.name(), p -> new long[KeySlot.SLOTS]);
        for (int slot : shared) {
            at[slot] = startedAt; // equal, or repaired: in step with everything written before the start
        }
        repaired.addAndGet(fixed);
        bytes.addAndGet(sent);
        if (fixed > 0) {
            log.info("Anti-entropy with {}: {} of {} shared slots differed, {} entries repaired, {} bytes",
                    peer.name(), differing, shared.size(), fixed, sent);
        }
        return new Result(shared.size(), differing, fixed, sent);
    }

    /** Repairs one slot whose roots differ; returns {entries repaired, bytes exchanged}. */
    private long[] repairSlot(RingMember peer, int slot, boolean pull) {
        ByteBuffer theirLeaves = ByteBuffer.wrap(call(peer, AAE_LEAVES, ByteBuffer.allocate(4).putInt(slot).array()));
        long[] mine = trees.leaves(slot);
        long mask = 0;
        for (int i = 0; i < MerkleTrees.LEAVES; i++) {
            if (theirLeaves.getLong() != mine[i]) {
                mask |= 1L << i;
            }
        }
        long sent = 8L * MerkleTrees.LEAVES;
        if (mask == 0) {
            return new long[] {0, sent};
        }
        ByteBuffer keys = ByteBuffer.wrap(call(peer, AAE_KEYS, ByteBuffer.allocate(12).putInt(slot).putLong(mask).array()));
        sent += keys.capacity();
        Map<ByteBuffer, Long> theirs = new HashMap<>();
        int n = keys.getInt();
        for (int i = 0; i < n; i++) {
            theirs.put(ByteBuffer.wrap(ReplicaMessages.bytes(keys, keys.getInt())), keys.getLong());
        }
        Map<ByteBuffer, Long> ours = digests(slot, mask);
        List<byte[]> differ = new ArrayList<>();
        theirs.forEach((k, d) -> {
            if (!d.equals(ours.get(k))) {
                differ.add(k.array());
            }
        });
        ours.forEach((k, d) -> {
            if (!theirs.containsKey(k)) {
                differ.add(k.array());
            }
        });
        for (int from = 0; from < differ.size(); from += IN_FLIGHT) {
            sent += exchangeEntries(peer, differ.subList(from, Math.min(differ.size(), from + IN_FLIGHT)), theirs, pull);
        }
        return new long[] {differ.size(), sent};
    }

    /** Pulls the peer's sets of {@code keys} (those it has), merges them here, pushes the merge back. */
    private long exchangeEntries(RingMember peer, List<byte[]> keys, Map<ByteBuffer, Long> theirs, boolean pull) {
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(keys.size());
        for (byte[] sk : keys) {
            reads.add(pull && theirs.containsKey(ByteBuffer.wrap(sk))
                    ? transport.request(peer.name(), ReplicaMessages.READ, sk, timeout)
                    : CompletableFuture.completedFuture(new byte[0]));
        }
        long sent = 0;
        List<CompletableFuture<byte[]>> pushes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[] sk = keys.get(i);
            byte[] got = await(reads.get(i));
            sent += got.length;
            SiblingSet merged = got.length == 0 ? replica.read(sk) : replica.merge(sk, SiblingSetCodec.decode(got));
            if (merged != null && (got.length == 0 || MerkleTrees.digest(sk, merged)
                    != theirs.getOrDefault(ByteBuffer.wrap(sk), 0L))) {
                byte[] push = ReplicaMessages.merge(sk, merged);
                sent += push.length;
                pushes.add(transport.request(peer.name(), ReplicaMessages.MERGE, push, timeout));
            }
        }
        pushes.forEach(this::await);
        replica.flushWrites();
        return sent;
    }

    /** Digests of this replica's entries of {@code slot} in the leaves of {@code mask}. */
    private Map<ByteBuffer, Long> digests(int slot, long mask) {
        Map<ByteBuffer, Long> out = new HashMap<>();
        replica.forEachInSlot(slot, (sk, set) -> {
            long d;
            if ((mask & (1L << MerkleTrees.leafOf(sk))) != 0 && (d = MerkleTrees.digest(sk, set)) != 0) {
                out.put(ByteBuffer.wrap(sk), d); // deletes alone count as absent, as in the trees
            }
        });
        return out;
    }

    private byte[] call(RingMember peer, int type, byte[] payload) {
        return await(transport.request(peer.name(), type, payload, timeout));
    }

    private byte[] await(CompletableFuture<byte[]> f) {
        try {
            return f.get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (Exception e) {
            throw new IllegalStateException("anti-entropy request failed: " + e, e);
        }
    }

    /**
     * When {@code slot} was last confirmed in step with every other replica of it (0: never): the
     * oldest of the last exchanges with each of them.
     */
    long confirmedAt(int slot) {
        long oldest = Long.MAX_VALUE;
        for (RingMember m : membership.ring().preferenceList(slot)) {
            if (!m.equals(self)) {
                long[] at = inStepAt.get(m.name());
                oldest = Math.min(oldest, at == null ? 0 : at[slot]);
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : oldest;
    }

    /** INFO cluster lines. */
    List<String> infoFields() {
        long last = lastRunEnd;
        return List.of("ring_aae_runs:" + runs.get(), "ring_aae_entries_repaired:" + repaired.get(),
                "ring_aae_bytes:" + bytes.get(),
                "ring_aae_last_run_ago_ms:" + (last == 0 ? -1 : System.currentTimeMillis() - last));
    }
}
