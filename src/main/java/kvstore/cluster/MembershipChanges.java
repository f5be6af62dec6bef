package kvstore.cluster;

import kvstore.keyspace.UnavailableException;
import kvstore.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * RING JOIN, LEAVE and FORGET: each makes the next {@link Membership} version, which gossip spreads;
 * {@link Transfers} then moves the slots.
 */
final class MembershipChanges {
    private static final Logger log = LoggerFactory.getLogger(MembershipChanges.class);

    private final Membership membership;
    private final RingMember self;
    private final PeerTransport transport;
    private final Transfers transfers;
    private final Duration timeout;

    MembershipChanges(Membership membership, RingMember self, PeerTransport transport, Transfers transfers,
                      Duration timeout) {
        this.membership = membership;
        this.self = self;
        this.transport = transport;
        this.transfers = transfers;
        this.timeout = timeout;
    }

    /**
     * RING JOIN on a node that is not a member yet: asks the configured members, one after another,
     * to add it; adopts the membership the first one answers with. Its slots then stream in.
     */
    String join() {
        if (membership.ring().member(self.name()) != null) {
            return "already a member (membership version " + membership.version() + ")";
        }
        byte[] spec = self.spec().getBytes(StandardCharsets.UTF_8);
        for (RingMember m : membership.ring().members()) {
            try {
                ByteBuffer b = ByteBuffer.wrap(transport.request(m.name(), ReplicaMessages.JOIN, spec, timeout)
                        .get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS));
                long version = b.getLong();
                membership.adopt(version, new String(ReplicaMessages.bytes(b, b.getInt()), StandardCharsets.UTF_8));
                return "joined through " + m.name() + " (membership version " + version + "), receiving "
                        + transfers.pending() + " slots";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.info("Join through {} failed: {}", m.name(), e.toString());
            }
        }
        throw new UnavailableException("NOREPLICAS no member of the ring answered the join");
    }

    /** A member's side of a join: adds (or updates) {@code spec}'s node; answers the new membership. */
    byte[] admit(String spec) {
        RingMember joining = RingMember.parse(spec);
        membership.change(members -> {
            members.removeIf(m -> m.name().equals(joining.name()));
            members.add(joining);
            return members;
        });
        byte[] members = membership.spec().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(12 + members.length).putLong(membership.version()).putInt(members.length)
                .put(members).array();
    }

    /** RING LEAVE: this node leaves the ring; its slots move to the others, who fetch them. */
    String leave() {
        if (membership.ring().member(self.name()) == null) {
            return "not a member";
        }
        long v = membership.change(members -> {
            members.removeIf(m -> m.name().equals(self.name()));
            return members;
        });
        return "left (membership version " + v + "): this node hands its slots over; stop it once INFO cluster"
                + " shows ring_slots_releasing:0";
    }

    /** RING FORGET node: removes a node that is gone for good. */
    String forget(String node) {
        if (node.equals(self.name())) {
            throw new IllegalArgumentException("a node cannot forget itself: use RING LEAVE");
        }
        if (membership.ring().member(node) == null) {
            throw new IllegalArgumentException("no such node: " + node);
        }
        long v = membership.change(members -> {
            members.removeIf(m -> m.name().equals(node));
            return members;
        });
        return "forgot " + node + " (membership version " + v + ")";
    }
}
