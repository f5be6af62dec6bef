package kvstore.cluster;

import kvstore.storage.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The ring's members, with a version: every change (RING JOIN, LEAVE, FORGET) makes the next version,
 * and gossip carries (version, members) so that every node adopts the highest it hears of. The ring
 * (slot assignment and preference lists) is a function of the members, so nodes holding the same
 * version agree on it.
 *
 * <p>Persisted in {@code <dir>/ring-members} (two lines: the version, then the members in
 * {@code cluster-nodes} form; replaced atomically), which wins over {@code cluster-nodes} at start-up:
 * the configured list only seeds a node that has never seen a change.
 */
final class Membership {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final int replicationFactor;
    private final Path file;
    private final List<BiConsumer<Ring, Ring>> listeners = new CopyOnWriteArrayList<>();
    private volatile Ring ring;
    private volatile long version;

    Membership(List<RingMember> configured, int replicationFactor, Path file) {
        this.replicationFactor = replicationFactor;
        this.file = file;
        List<RingMember> members = configured;
        if (Files.exists(file)) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                version = Long.parseLong(lines.get(0).trim());
                members = RingMember.parseList(lines.get(1));
                log.info("Ring membership version {} from {}: {} nodes", version, file, members.size());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the ring membership in " + file + ": " + e.getMessage(), e);
            }
        }
        this.ring = new Ring(members, replicationFactor);
    }

    Ring ring() {
        return ring;
    }

    long version() {
        return version;
    }

    /** The members in {@code cluster-nodes} form. */
    String spec() {
        return spec(ring.members());
    }

    private static String spec(List<RingMember> members) {
        List<String> parts = new ArrayList<>();
        for (RingMember m : members) {
            parts.add(m.spec());
        }
        return String.join(",", parts);
    }

    /** Called with (old ring, new ring) after every change, on the thread that made or adopted it. */
    void onChange(BiConsumer<Ring, Ring> listener) {
        listeners.add(listener);
    }

    /** Adopts a membership heard from a peer if it is newer; true if it was. */
    boolean adopt(long newVersion, String members) {
        Ring old;
        Ring next;
        synchronized (this) {
            if (newVersion <= version) {
                return false;
            }
            old = ring;
            next = new Ring(RingMember.parseList(members), replicationFactor);
            install(newVersion, next);
        }
        log.info("Adopted ring membership version {}: {}", newVersion, names(next));
        listeners.forEach(l -> l.accept(old, next));
        return true;
    }

    /** Makes the next version by applying {@code change} to the member list; returns the new version. */
    long change(UnaryOperator<List<RingMember>> change) {
        Ring old;
        Ring next;
        long v;
        synchronized (this) {
            old = ring;
            List<RingMember> members = change.apply(new ArrayList<>(old.members()));
            if (members.isEmpty()) {
                throw new IllegalArgumentException("a ring needs at least one node");
            }
            next = new Ring(members, replicationFactor);
            v = version + 1;
            install(v, next);
        }
        log.info("Ring membership version {}: {}", v, names(next));
        listeners.forEach(l -> l.accept(old, next));
        return v;
    }

    private void install(long v, Ring next) {
        try {
            Files.createDirectories(file.getParent());
            DurableFiles.replace(file, (v + "\n" + spec(next.members()) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the ring membership to " + file, e);
        }
        ring = next;
        version = v;
    }

    private static String names(Ring r) {
        List<String> n = new ArrayList<>();
        r.members().forEach(m -> n.add(m.name()));
        return String.join(" ", n);
    }
}
