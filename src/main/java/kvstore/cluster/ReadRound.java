package kvstore.cluster;

import kvstore.storage.StorageKey;
import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One quorum read of a storage key. It asks R of the replicas in {@code prefs} (this node's own copy
 * first, answered at once; then live members in preference order), or all of them when told to (a
 * share of reads, so that read repair reaches every replica). A replica that fails is replaced by the
 * next one not asked yet, and when R answers have not come within {@link #HEDGE_AFTER_MS} all the
 * others are asked too, so that a replica that stopped answering but is not yet convicted costs a
 * read that long rather than the request timeout.
 *
 * <p>{@link #quorum} completes with the merge of the first R answers, or fails once the replicas asked
 * cannot make R. Once every replica asked has answered, those whose copy differs from the merge of
 * all answers are sent it (read repair).
 */
final class ReadRound {
    private static final Logger log = LoggerFactory.getLogger(ReadRound.class);
    static final long HEDGE_AFTER_MS = 20;

    private final RingCoordinator ring;
    private final byte[] sk;
    private final List<RingMember> prefs;
    final int r;
    private final SiblingSet[] sets;
    private final boolean[] ok;
    private final boolean[] asked;
    private int askedCount;
    private int answered;
    private int done;
    private boolean started;
    private boolean repaired;
    final CompletableFuture<SiblingSet> quorum = new CompletableFuture<>();

    ReadRound(RingCoordinator ring, byte[] sk, List<RingMember> prefs, int r) {
        this.ring = ring;
        this.sk = sk;
        this.prefs = prefs;
        this.r = r;
        this.sets = new SiblingSet[prefs.size()];
        this.ok = new boolean[prefs.size()];
        this.asked = new boolean[prefs.size()];
    }

    /** Starts the read: this node's copy ({@code local} null: it may not answer), then R or all replicas. */
    void start(LocalReplica local, boolean askAll) {
        int self = prefs.indexOf(ring.self());
        if (self >= 0) {
            synchronized (this) {
                asked[self] = true;
                askedCount++;
            }
            if (local != null) {
                reply(self, local.read(sk));
            } else {
                fail(self); // still receiving this slot: the other replicas answer
            }
        }
        ask(askAll ? prefs.size() : 0);
        synchronized (this) {
            started = true; // from here on, the last answer may repair: every replica to ask was asked
        }
        afterAnswer();
    }

    synchronized int answered() {
        return answered;
    }

    /**
     * Asks members not asked yet: at least as many as R still needs beyond the answers on their way,
     * and {@code atLeast} in all if that is more. Live members first, in preference order.
     */
    private void ask(int atLeast) {
        int[] picked = new int[prefs.size()];
        int n = 0;
        synchronized (this) {
            int want = Math.max(atLeast, r - answered - (askedCount - done));
            for (int pass = 0; pass < 2 && n < want; pass++) {
                for (int i = 0; i < prefs.size() && n < want; i++) {
                    if (!asked[i] && (pass == 1 || ring.isUp(prefs.get(i)))) {
                        asked[i] = true;
                        askedCount++;
                        picked[n++] = i;
                    }
                }
            }
        }
        for (int k = 0; k < n; k++) {
            send(picked[k]);
        }
    }

    private void send(int at) {
        RingMember m = prefs.get(at);
        ring.request(m, ReplicaMessages.READ, sk, HEDGE_AFTER_MS, this::hedge).whenComplete((bytes, e) -> {
            if (e != null) {
                fail(at);
                return;
            }
            SiblingSet set;
            try {
                set = bytes.length == 0 ? null : SiblingSetCodec.decode(bytes);
            } catch (RuntimeException x) {
                log.warn("Malformed read reply from {}: {}", m.name(), x.toString());
                fail(at);
                return;
            }
            reply(at, set);
        });
    }

    /** A replica asked is slow: ask every other one too. */
    private void hedge() {
        if (!quorum.isDone()) {
            ask(prefs.size());
        }
    }

    private void reply(int i, SiblingSet set) {
        SiblingSet merged = null;
        boolean reached;
        synchronized (this) {
            sets[i] = set;
            ok[i] = true;
            answered++;
            done++;
            reached = answered == r;
            if (reached) {
                merged = mergeAnswered();
            }
        }
        if (reached) {
            quorum.complete(merged);
        }
        afterAnswer();
    }

    private void fail(int i) {
        synchronized (this) {
            done++;
        }
        ask(0); // another replica in its place, if one is left
        afterAnswer();
    }

    /** Fails the read once the replicas asked cannot make R; repairs once all of them have answered. */
    private void afterAnswer() {
        boolean failed;
        boolean repair;
        synchronized (this) {
            boolean finished = started && done == askedCount;
            // fail once every replica asked has answered or timed out, so the error counts them all
            failed = finished && answered < r;
            repair = finished && !repaired;
            repaired |= repair;
        }
        if (failed) {
            quorum.completeExceptionally(new TimeoutException());
        }
        if (repair) {
            repair();
        }
    }

    private SiblingSet mergeAnswered() {
        SiblingSet m = null;
        for (int i = 0; i < sets.length; i++) {
            if (ok[i] && sets[i] != null) {
                m = m == null ? sets[i] : m.merge(sets[i]);
            }
        }
        return m;
    }

    /** Read repair: sends the merge of every answer to the replicas asked whose copy differs from it. */
    private void repair() {
        SiblingSet merged;
        synchronized (this) {
            merged = mergeAnswered();
        }
        if (merged == null) {
            return;
        }
        for (int i = 0; i < sets.length; i++) {
            if (!ok[i] || (sets[i] != null && RingCoordinator.sameSet(sets[i], merged))) {
                continue;
            }
            RingMember m = prefs.get(i);
            if (!ring.ring().preferenceList(StorageKey.slot(sk)).contains(m)) {
                continue; // a stand-in for a down replica holds hints, not the key
            }
            ring.readRepair(m, sk, merged);
        }
    }
}
