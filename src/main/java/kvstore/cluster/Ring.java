package kvstore.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A static ring: which node owns each of the 16384 hash slots and the preference list of each slot.
 *
 * <p><b>Assignment</b> (deterministic for a given membership): members are sorted by name; each gets
 * {@code floor(16384 * weight / totalWeight)} slots, the slots left over go one each to the members
 * with the largest remainders (ties: name order); the members then take contiguous slot ranges in
 * name order starting at slot 0. So clockwise from a slot, the next distinct nodes are the next
 * members in name order, wrapping around.
 *
 * <p><b>Preference list</b> of a slot: its owner, then the next members clockwise until N, skipping a
 * member whose rack is already in the list while some rack is still missing from it; if that leaves
 * fewer than N, the skipped members are added back in clockwise order. Members without a rack share
 * the rack "".
 */
public final class Ring {
    private final List<RingMember> members;
    private final int n;
    private final short[] owner;
    /** Per member index: the preference list of the slots it owns. */
    private final List<List<RingMember>> preference;
    /** Per member index: the other members, clockwise from it (sloppy quorum's fallbacks). */
    private final List<List<RingMember>> fallbacks;
    private final int[][] ranges;

    public Ring(List<RingMember> members, int replicationFactor) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one node");
        }
        List<RingMember> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(RingMember::name));
        this.members = Collections.unmodifiableList(sorted);
        this.n = Math.max(1, Math.min(replicationFactor, sorted.size()));
        int[] counts = slotCounts(sorted);
        this.owner = new short[KeySlot.SLOTS];
        this.ranges = new int[sorted.size()][];
        int slot = 0;
        for (int i = 0; i < sorted.size(); i++) {
            ranges[i] = new int[] {slot, slot + counts[i] - 1};
            for (int j = 0; j < counts[i]; j++) {
                owner[slot++] = (short) i;
            }
        }
        List<List<RingMember>> prefs = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            prefs.add(List.copyOf(walk(sorted, i, n)));
        }
        this.preference = prefs;
        List<List<RingMember>> rest = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            List<RingMember> others = new ArrayList<>();
            for (int k = 0; k < sorted.size(); k++) {
                RingMember m = sorted.get((i + k) % sorted.size());
                if (!prefs.get(i).contains(m)) {
                    others.add(m);
                }
            }
            rest.add(List.copyOf(others));
        }
        this.fallbacks = rest;
    }

    private static int[] slotCounts(List<RingMember> sorted) {
        long total = 0;
        for (RingMember m : sorted) {
            total += m.weight();
        }
        int[] counts = new int[sorted.size()];
        long[] rem = new long[sorted.size()];
        int given = 0;
        for (int i = 0; i < sorted.size(); i++) {
            long share = (long) KeySlot.SLOTS * sorted.get(i).weight();
            counts[i] = (int) (share / total);
            rem[i] = share % total;
            given += counts[i];
        }
        while (given < KeySlot.SLOTS) {
            int best = 0;
            for (int i = 1; i < rem.length; i++) {
                if (rem[i] > rem[best]) {
                    best = i;
                }
            }
            counts[best]++;
            rem[best] = -1;
            given++;
        }
        return counts;
    }

    private static List<RingMember> walk(List<RingMember> sorted, int start, int n) {
        Set<String> allRacks = new HashSet<>();
        for (RingMember m : sorted) {
            allRacks.add(m.rack());
        }
        List<RingMember> list = new ArrayList<>(n);
        List<RingMember> skipped = new ArrayList<>();
        Set<String> racks = new HashSet<>();
        for (int k = 0; k < sorted.size() && list.size() < n; k++) {
            RingMember m = sorted.get((start + k) % sorted.size());
            if (racks.contains(m.rack()) && racks.size() < allRacks.size()) {
                skipped.add(m);
                continue;
            }
            list.add(m);
            racks.add(m.rack());
        }
        for (int k = 0; k < skipped.size() && list.size() < n; k++) {
            list.add(skipped.get(k));
        }
        return list;
    }

    public List<RingMember> members() {
        return members;
    }

    /** The effective replication factor: the configured one, at most the number of members. */
    public int replicationFactor() {
        return n;
    }

    public RingMember owner(int slot) {
        return members.get(owner[slot]);
    }

    public List<RingMember> preferenceList(int slot) {
        return preference.get(owner[slot]);
    }

    /**
     * The members outside the preference list of {@code slot}, clockwise from its owner: where a
     * write for a replica that is down goes instead (sloppy quorum). Empty when N is the ring's size.
     */
    public List<RingMember> fallbacks(int slot) {
        return fallbacks.get(owner[slot]);
    }

    /** The slot range [first, last] owned by {@code member}, or null if it is not a member. */
    public int[] slotRange(String member) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().equals(member)) {
                return ranges[i].clone();
            }
        }
        return null;
    }

    public RingMember member(String name) {
        for (RingMember m : members) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }
}
