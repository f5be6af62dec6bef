package kvstore.cluster;

import kvstore.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The slots this node has become a replica of through a membership change but does not hold yet.
 * Until a slot is received this node does not answer reads of it (READ and RANGE fail, so a
 * coordinator counts the other replicas; writes are stored), and a background task fetches it: an
 * anti-entropy exchange of that slot with each live replica of it, the slot being ready once every
 * exchange succeeded (what only a replica that is down holds arrives by anti-entropy later). Transfers are throttled by anti-entropy's limit and resumable: the slots still
 * to receive are saved in {@code <dir>/ring-receiving} (a 2 KB bit set, replaced atomically), so a
 * node restarted mid-transfer carries on where it stopped.
 *
 * <p>The other way round, the slots a change takes away from this node are handed to their new
 * replicas and then dropped here ({@link #release}; saved in {@code <dir>/ring-releasing}): a node
 * that leaves drains this way, and may stop once it holds nothing.
 */
final class Transfers {
    private static final Logger log = LoggerFactory.getLogger(Transfers.class);

    private final RingMember self;
    private final Membership membership;
    private final AntiEntropy antiEntropy;
    private final Predicate<String> isUp;
    private final LocalReplica replica;
    private final Path file;
    private final Path releasingFile;
    private final BitSet receiving;
    /** Slots this node no longer replicates and still holds: handed to their replicas, then dropped. */
    private final BitSet releasing;
    private volatile boolean any;

    Transfers(RingMember self, Membership membership, AntiEntropy antiEntropy, LocalReplica replica,
              Predicate<String> isUp, Path file) {
        this.self = self;
        this.membership = membership;
        this.antiEntropy = antiEntropy;
        this.replica = replica;
        this.isUp = isUp;
        this.file = file;
        this.releasingFile = file.resolveSibling("ring-releasing");
        this.receiving = load(file);
        this.releasing = load(releasingFile);
        this.any = !receiving.isEmpty() || !releasing.isEmpty();
        membership.onChange(this::changed);
    }

    private static BitSet load(Path f) {
        if (!Files.exists(f)) {
            return new BitSet(KeySlot.SLOTS);
        }
        try {
            return BitSet.valueOf(Files.readAllBytes(f));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** Marks the slots {@code next} makes this node a replica of and {@code old} did not. */
    private void changed(Ring old, Ring next) {
        int added = 0;
        synchronized (receiving) {
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                boolean now = next.preferenceList(s).contains(self);
                boolean before = old.preferenceList(s).contains(self);
                if (!now) {
                    receiving.clear(s);
                    if (before) {
                        releasing.set(s);
                    }
                } else {
                    releasing.clear(s);
                    if (!before && !receiving.get(s)) {
                        receiving.set(s);
                        added++;
                    }
                }
            }
            any = !receiving.isEmpty() || !releasing.isEmpty();
            save();
        }
        if (added > 0) {
            log.info("Receiving {} slots this node now replicates", added);
        }
    }

    /** False while {@code slot} is still being received: this node must not answer reads of it. */
    boolean ready(int slot) {
        if (!any) {
            return true;
        }
        synchronized (receiving) {
            return !receiving.get(slot);
        }
    }

    int pending() {
        synchronized (receiving) {
            return receiving.cardinality();
        }
    }

    /** Slots this node no longer replicates and has not handed off and dropped yet. */
    int releasing() {
        synchronized (receiving) {
            return releasing.cardinality();
        }
    }

    void start(ScheduledExecutorService timer, Duration interval) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                receive();
                release();
            } catch (RuntimeException e) {
                log.warn("Slot transfer failed; it resumes later", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fetches every slot still to receive from its live replicas, one batched exchange per peer. */
    void receive() {
        if (!any) {
            return;
        }
        List<Integer> slots = new ArrayList<>();
        synchronized (receiving) {
            receiving.stream().forEach(slots::add);
        }
        List<Integer> done = exchangeByPeer(slots, false);
        if (!done.isEmpty()) {
            synchronized (receiving) {
                done.forEach(receiving::clear);
                any = !receiving.isEmpty() || !releasing.isEmpty();
                save();
            }
            log.info("Received {} slots; {} to go", done.size(), pending());
        }
    }

    /**
     * Hands every slot this node no longer replicates to each of its new replicas (an anti-entropy
     * exchange), once all of them are up, then drops its entries written before the hand-off began;
     * entries written since (by a coordinator that had not heard of the change yet) keep the slot for
     * the next round.
     */
    void release() {
        if (!any) {
            return;
        }
        List<Integer> slots = new ArrayList<>();
        synchronized (receiving) {
            releasing.stream().forEach(slots::add);
        }
        long startedAt = System.currentTimeMillis();
        List<Integer> done = new ArrayList<>();
        for (int slot : exchangeByPeer(slots, true)) {
            if (replica.dropSlot(slot, startedAt) == 0) {
                done.add(slot);
            }
        }
        if (!done.isEmpty()) {
            synchronized (receiving) {
                done.forEach(releasing::clear);
                any = !receiving.isEmpty() || !releasing.isEmpty();
                save();
            }
            log.info("Handed off and dropped {} slots; {} to go", done.size(), releasing());
        }
    }

    /**
     * Exchanges each slot with its replicas in the current ring (other than this node), batched per
     * peer; returns the slots every exchange of which succeeded. Receiving pulls and needs one live
     * replica; handing off ({@code handOff}) only pushes and needs every replica up, so that none
     * misses what is dropped here.
     */
    private List<Integer> exchangeByPeer(List<Integer> slots, boolean handOff) {
        boolean allUp = handOff;
        Ring ring = membership.ring();
        java.util.Map<RingMember, List<Integer>> byPeer = new java.util.HashMap<>();
        List<Integer> eligible = new ArrayList<>();
        for (int slot : slots) {
            List<RingMember> peers = new ArrayList<>();
            boolean down = false;
            for (RingMember m : ring.preferenceList(slot)) {
                if (m.equals(self)) {
                    continue;
                }
                if (isUp.test(m.name())) {
                    peers.add(m);
                } else {
                    down = true;
                }
            }
            if (peers.isEmpty() || (allUp && down)) {
                continue;
            }
            eligible.add(slot);
            for (RingMember p : peers) {
                byPeer.computeIfAbsent(p, x -> new ArrayList<>()).add(slot);
            }
        }
        java.util.Set<Integer> failed = new java.util.HashSet<>();
        for (java.util.Map.Entry<RingMember, List<Integer>> e : byPeer.entrySet()) {
            try {
                if (allUp) {
                    antiEntropy.handOff(e.getKey(), e.getValue());
                } else {
                    antiEntropy.exchange(e.getKey(), e.getValue());
                }
            } catch (RuntimeException x) {
                log.info("Slot transfer with {} failed, retried later: {}", e.getKey().name(), x.getMessage());
                failed.addAll(e.getValue());
            }
        }
        eligible.removeIf(failed::contains);
        return eligible;
    }

    private void save() {
        write(file, receiving);
        write(releasingFile, releasing);
    }

    private static void write(Path f, BitSet bits) {
        try {
            Files.createDirectories(f.getParent());
            DurableFiles.replace(f, bits.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + f, e);
        }
    }
}
