package kvstore.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 */
final class Transfers {
    private static final Logger log = LoggerFactory.getLogger(Transfers.class);

    private final RingMember self;
    private final Membership membership;
    private final AntiEntropy antiEntropy;
    private final Predicate<String> isUp;
    private final Path file;
    private final BitSet receiving;
    private volatile boolean any;

    Transfers(RingMember self, Membership membership, AntiEntropy antiEntropy, Predicate<String> isUp, Path file) {
        this.self = self;
        this.membership = membership;
        this.antiEntropy = antiEntropy;
        this.isUp = isUp;
        this.file = file;
        BitSet saved = new BitSet(KeySlot.SLOTS);
        if (Files.exists(file)) {
            try {
                saved = BitSet.valueOf(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        this.receiving = saved;
        this.any = !saved.isEmpty();
        membership.onChange(this::changed);
    }

    /** Marks the slots {@code next} makes this node a replica of and {@code old} did not. */
    private void changed(Ring old, Ring next) {
        int added = 0;
        synchronized (receiving) {
            for (int s = 0; s < KeySlot.SLOTS; s++) {
                boolean now = next.preferenceList(s).contains(self);
                if (!now) {
                    receiving.clear(s);
                } else if (!old.preferenceList(s).contains(self) && !receiving.get(s)) {
                    receiving.set(s);
                    added++;
                }
            }
            any = !receiving.isEmpty();
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

    void start(ScheduledExecutorService timer, Duration interval) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                receive();
            } catch (RuntimeException e) {
                log.warn("Slot transfer failed; it resumes later", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fetches every slot still to receive from its live replicas. */
    void receive() {
        if (!any) {
            return;
        }
        List<Integer> slots = new ArrayList<>();
        synchronized (receiving) {
            receiving.stream().forEach(slots::add);
        }
        int done = 0;
        for (int slot : slots) {
            List<RingMember> peers = new ArrayList<>();
            for (RingMember m : membership.ring().preferenceList(slot)) {
                if (!m.equals(self) && isUp.test(m.name())) {
                    peers.add(m);
                }
            }
            if (peers.isEmpty()) {
                continue; // no live replica to receive it from yet
            }
            for (RingMember peer : peers) {
                antiEntropy.exchange(peer, slot);
            }
            synchronized (receiving) {
                receiving.clear(slot);
                any = !receiving.isEmpty();
                if (++done % 256 == 0 || !any) {
                    save();
                }
            }
        }
        if (done > 0) {
            synchronized (receiving) {
                save();
            }
            log.info("Received {} slots; {} to go", done, pending());
        }
    }

    private void save() {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.createDirectories(file.getParent());
            Files.write(tmp, receiving.toByteArray());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file, e);
        }
    }
}
