package kvstore.cluster;

import java.util.List;

/**
 * The ring as the extension commands (CONSISTENCY, RING, INFO cluster) see it. A single node is a
 * ring of one with N=1.
 */
public interface Topology {
    String nodeName();

    Ring ring();

    /** The effective replication factor N. */
    default int replicationFactor() {
        return ring().replicationFactor();
    }

    /** Cluster default read quorum R (1..N). */
    int defaultReadQuorum();

    /** Cluster default write quorum W (1..N). */
    int defaultWriteQuorum();

    /** "myself", "up" or "down", as this node's failure detector sees {@code member}. */
    String state(String member);

    /** True if this node's own peer link to {@code member} is connected (false: this node, or a single node). */
    default boolean linked(String member) {
        return false;
    }

    /** The failure detector's phi for {@code member} (0: this node, or no detector). */
    default double phi(String member) {
        return 0;
    }

    /**
     * Cuts (drops all traffic, both ways) or heals this node's link to {@code peer}, for trying out
     * partitions (RING CUT / RING HEAL). False if {@code peer} is not a peer of this node.
     */
    default boolean setLinkCut(String peer, boolean cut) {
        return false;
    }

    /**
     * Runs anti-entropy now with every peer that is up, for {@code slot} or (-1) every slot this node
     * replicates (RING REPAIR); returns a one-line summary.
     */
    default String repair(int slot) {
        return "nothing to repair on a single node";
    }

    /** RING JOIN: joins the ring through its configured members; a one-line summary. */
    default String join() {
        throw new IllegalArgumentException("a single node has no ring to join: list the ring in cluster-nodes");
    }

    /** RING LEAVE: leaves the ring; a one-line summary. */
    default String leave() {
        throw new IllegalArgumentException("a single node cannot leave");
    }

    /** RING FORGET node: removes a node that is gone for good; a one-line summary. */
    default String forget(String node) {
        throw new IllegalArgumentException("a single node has nobody to forget");
    }

    /** Slots this node replicates but is still receiving after a membership change. */
    default int slotsReceiving() {
        return 0;
    }

    /** INFO cluster fields beyond the ring's shape, "name:value" lines. */
    default List<String> infoFields() {
        return List.of();
    }
}
