package kvstore.command;

import kvstore.cluster.KeySlot;
import kvstore.cluster.Ring;
import kvstore.cluster.RingMember;
import kvstore.cluster.Topology;
import kvstore.keyspace.Siblings;
import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.STALE;
import static kvstore.command.CommandFlag.WRITE;

/**
 * kvstore's extension commands for the ring (README.md, "The ring"): CONSISTENCY, SIBLINGS,
 * DELETE key CONTEXT ctx, RING NODES / OWNERS, and CLUSTER KEYSLOT (as Redis Cluster answers it).
 * SET key value CONTEXT ctx is parsed by SET itself.
 */
final class ClusterCommands {
    private final CommandContext ctx;

    ClusterCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("consistency", -1, this::consistency).flags(FAST, LOADING, STALE)
                .categories("connection", "fast").group("connection")
                .doc("Show or set the connection's read and write quorums (kvstore)", "kvstore").build());
        t.add(CommandSpec.builder("siblings", 2, this::siblings).flags(READONLY).keys(1, 1, 1)
                .categories("keyspace", "read", "slow").group("generic")
                .doc("Return the causal context and every concurrent value of a key (kvstore)", "kvstore").build());
        t.add(CommandSpec.builder("delete", 4, this::delete).flags(WRITE).keys(1, 1, 1)
                .categories("keyspace", "write", "slow").group("generic")
                .doc("Delete the versions of a key a causal context covers: DELETE key CONTEXT ctx (kvstore)", "kvstore")
                .build());
        CommandSpec ring = CommandSpec.builder("ring", -2, null).categories("slow").group("server")
                .doc("A container for ring commands (kvstore)", "kvstore").build();
        ring.subcommand(CommandSpec.builder("nodes", 2, this::nodes).flags(LOADING, STALE).categories("slow")
                .group("server").doc("Show the nodes of the ring", "kvstore").build());
        ring.subcommand(CommandSpec.builder("owners", 3, this::owners).flags(LOADING, STALE).categories("slow")
                .group("server").doc("Show the preference list of a key", "kvstore").build());
        ring.subcommand(CommandSpec.builder("cut", 3, (se, a) -> cut(se, a, true)).flags(LOADING, STALE)
                .categories("admin", "slow", "dangerous").group("server")
                .doc("Drop all traffic with a peer, both ways (needs enable-debug-command)", "kvstore").build());
        ring.subcommand(CommandSpec.builder("heal", 3, (se, a) -> cut(se, a, false)).flags(LOADING, STALE)
                .categories("admin", "slow", "dangerous").group("server")
                .doc("Restore traffic with a peer after RING CUT (needs enable-debug-command)", "kvstore").build());
        ring.subcommand(CommandSpec.builder("join", 2, (se, a) -> membership(() -> topology().join()))
                .flags(LOADING, STALE).categories("admin", "slow", "dangerous").group("server")
                .doc("Join the ring through the nodes cluster-nodes lists", "kvstore").build());
        ring.subcommand(CommandSpec.builder("leave", 2, (se, a) -> membership(() -> topology().leave()))
                .flags(LOADING, STALE).categories("admin", "slow", "dangerous").group("server")
                .doc("Leave the ring: this node's slots move to the others", "kvstore").build());
        ring.subcommand(CommandSpec.builder("forget", 3, (se, a) -> membership(() -> topology().forget(Args.str(a[2]))))
                .flags(LOADING, STALE).categories("admin", "slow", "dangerous").group("server")
                .doc("Remove a node that is gone for good from the ring", "kvstore").build());
        ring.subcommand(CommandSpec.builder("repair", -2, this::repair).flags(LOADING, STALE)
                .categories("admin", "slow").group("server")
                .doc("Run anti-entropy now with every live peer: RING REPAIR [slot]", "kvstore").build());
        ring.subcommand(CommandSpec.builder("help", 2, this::ringHelp).flags(LOADING, STALE).categories("slow")
                .group("server").doc("Show helpful text about the different subcommands", "kvstore").build());
        t.add(ring);
        CommandSpec cluster = CommandSpec.builder("cluster", -2, null).categories("slow").group("cluster")
                .doc("A container for Redis Cluster commands", "3.0.0").build();
        cluster.subcommand(CommandSpec.builder("keyslot", 3, this::keyslot).flags(STALE).categories("slow")
                .group("cluster").doc("Return the hash slot for a key", "3.0.0").build());
        t.add(cluster);
    }

    private Topology topology() {
        return ctx.topology();
    }

    /**
     * CONSISTENCY: shows N R W; CONSISTENCY R r W w (either or both); ONE | QUORUM | ALL set both;
     * DEFAULT goes back to the cluster's defaults. Quorums belong to the connection.
     */
    private Reply consistency(Session s, byte[][] a) {
        int n = topology().replicationFactor();
        if (a.length == 1) {
            int r = s.readQuorum() > 0 ? s.readQuorum() : topology().defaultReadQuorum();
            int w = s.writeQuorum() > 0 ? s.writeQuorum() : topology().defaultWriteQuorum();
            return ArrayReply.map(List.of(BulkReply.of("n"), IntegerReply.of(n), BulkReply.of("r"),
                    IntegerReply.of(Math.min(r, n)), BulkReply.of("w"), IntegerReply.of(Math.min(w, n))));
        }
        if (a.length == 2) {
            if (Args.is(a[1], "one")) {
                s.setQuorums(1, 1);
            } else if (Args.is(a[1], "quorum")) {
                s.setQuorums(n / 2 + 1, n / 2 + 1);
            } else if (Args.is(a[1], "all")) {
                s.setQuorums(n, n);
            } else if (Args.is(a[1], "default")) {
                s.setQuorums(0, 0);
            } else {
                return ErrorReply.SYNTAX;
            }
            return SimpleReply.OK;
        }
        int r = s.readQuorum();
        int w = s.writeQuorum();
        if (a.length % 2 == 0) {
            return ErrorReply.SYNTAX;
        }
        for (int i = 1; i < a.length; i += 2) {
            boolean isR = Args.is(a[i], "r");
            if (!isR && !Args.is(a[i], "w")) {
                return ErrorReply.SYNTAX;
            }
            long v = Args.isLong(a[i + 1]) ? Args.parseLong(a[i + 1]) : -1;
            if (v < 1 || v > n) {
                return ErrorReply.err((isR ? "R" : "W") + " must be an integer between 1 and N (N=" + n + ")");
            }
            if (isR) {
                r = (int) v;
            } else {
                w = (int) v;
            }
        }
        s.setQuorums(r, w);
        return SimpleReply.OK;
    }

    /** SIBLINGS key: [context, value-or-nil...]; a never-written key gives an empty context alone. */
    private Reply siblings(Session s, byte[][] a) {
        Siblings sib = ctx.keyspace().siblings(s.db(), a[1]);
        if (sib == null) {
            return ArrayReply.of(BulkReply.EMPTY);
        }
        List<Reply> out = new ArrayList<>(sib.values().size() + 1);
        out.add(new BulkReply(sib.context()));
        for (byte[] v : sib.values()) {
            out.add(v == null ? NullReply.BULK : new BulkReply(v));
        }
        return ArrayReply.of(out);
    }

    /** DELETE key CONTEXT ctx: a tombstone superseding what ctx covers; concurrent versions stay. */
    private Reply delete(Session s, byte[][] a) {
        if (!Args.is(a[2], "context")) {
            return ErrorReply.SYNTAX;
        }
        try {
            ctx.keyspace().putWithContext(s.db(), a[1], null, a[3]);
        } catch (IllegalArgumentException e) {
            return INVALID_CONTEXT;
        }
        return SimpleReply.OK;
    }

    static final ErrorReply INVALID_CONTEXT = ErrorReply.err("invalid context (pass back the first element of SIBLINGS)");

    /** RING NODES: one line per node, like CLUSTER NODES. */
    private Reply nodes(Session s, byte[][] a) {
        Ring ring = topology().ring();
        StringBuilder sb = new StringBuilder();
        for (RingMember m : ring.members()) {
            int[] r = ring.slotRange(m.name());
            sb.append(m.name()).append(' ').append(m.host()).append(':').append(m.port())
                    .append(" bus=").append(m.busPort())
                    .append(" rack=").append(m.rack().isEmpty() ? "-" : m.rack())
                    .append(" weight=").append(m.weight())
                    .append(" state=").append(topology().state(m.name()))
                    .append(" phi=").append(String.format(java.util.Locale.ROOT, "%.2f", topology().phi(m.name())))
                    .append(" slots=").append(r[1] >= r[0] ? r[0] + "-" + r[1] : "none")
                    .append(m.name().equals(topology().nodeName()) && topology().slotsReceiving() > 0
                            ? " receiving=" + topology().slotsReceiving() : "")
                    .append('\n');
        }
        return BulkReply.of(sb.toString());
    }

    /** RING OWNERS key: the key's preference list, node names in order. */
    private Reply owners(Session s, byte[][] a) {
        List<Reply> out = new ArrayList<>();
        for (RingMember m : topology().ring().preferenceList(KeySlot.of(a[2]))) {
            out.add(BulkReply.of(m.name()));
        }
        return ArrayReply.of(out);
    }

    /**
     * RING CUT / HEAL node: a deterministic partition of this node from one peer, for trying out
     * siblings and repair by hand. Gated like DEBUG, since it makes the node unavailable to the ring.
     */
    private Reply cut(Session s, byte[][] a, boolean cut) {
        String mode = ctx.config().get("enable-debug-command");
        String addr = s.address();
        boolean local = addr.startsWith("127.") || addr.startsWith("0:0:0:0:0:0:0:1") || addr.startsWith("::1");
        if (!(mode.equals("yes") || (mode.equals("local") && local))) {
            return ErrorReply.err("RING CUT and HEAL are not allowed: set enable-debug-command to yes or local");
        }
        if (!topology().setLinkCut(Args.str(a[2]), cut)) {
            return ErrorReply.err("no such peer: " + Args.str(a[2]));
        }
        return SimpleReply.OK;
    }

    /** RING JOIN, LEAVE and FORGET: a membership change, answered with its summary or the reason it failed. */
    private static Reply membership(java.util.function.Supplier<String> change) {
        try {
            return BulkReply.of(change.get());
        } catch (IllegalArgumentException e) {
            return ErrorReply.err(e.getMessage());
        }
    }

    /** RING REPAIR [slot]: anti-entropy now, for one slot or every slot this node replicates. */
    private Reply repair(Session s, byte[][] a) {
        if (a.length > 3) {
            return ErrorReply.SYNTAX;
        }
        int slot = -1;
        if (a.length == 3) {
            long v = Args.parseLong(a[2]);
            if (v < 0 || v >= KeySlot.SLOTS) {
                return ErrorReply.err("slot must be a number from 0 to " + (KeySlot.SLOTS - 1));
            }
            slot = (int) v;
        }
        try {
            return BulkReply.of(topology().repair(slot));
        } catch (IllegalStateException e) {
            return ErrorReply.err("anti-entropy failed: " + e.getMessage());
        }
    }

    private Reply ringHelp(Session s, byte[][] a) {
        return ArrayReply.of(List.of(
                BulkReply.of("RING <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
                BulkReply.of("NODES"),
                BulkReply.of("    Show the ring's nodes: address, bus port, rack, weight, state, owned slot range."),
                BulkReply.of("OWNERS <key>"),
                BulkReply.of("    Return the preference list (the N replicas, in order) of <key>."),
                BulkReply.of("CUT <node>"),
                BulkReply.of("    Drop all traffic between this node and <node> (needs enable-debug-command)."),
                BulkReply.of("HEAL <node>"),
                BulkReply.of("    Restore the traffic RING CUT dropped."),
                BulkReply.of("JOIN"),
                BulkReply.of("    Join the ring through the nodes cluster-nodes lists (run on the new node)."),
                BulkReply.of("LEAVE"),
                BulkReply.of("    Leave the ring; keep the node up until the others have received its slots."),
                BulkReply.of("FORGET <node>"),
                BulkReply.of("    Remove a node that is gone for good."),
                BulkReply.of("REPAIR [<slot>]"),
                BulkReply.of("    Compare hash trees with every live peer now and exchange what differs."),
                BulkReply.of("HELP"),
                BulkReply.of("    Print this help.")));
    }

    private Reply keyslot(Session s, byte[][] a) {
        return IntegerReply.of(KeySlot.of(a[2]));
    }
}
