package kvstore.compat;

import kvstore.KvNode;
import kvstore.config.Config;
import kvstore.config.ConfigLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A ring of kvstore nodes in the test JVM, each on free loopback ports (client and bus), talking over
 * the real peer transport. Node i is named "n" + (i + 1).
 */
final class LocalRing implements AutoCloseable {
    final List<KvNode> nodes = new ArrayList<>();
    final List<String> names = new ArrayList<>();
    /** The starting members in cluster-nodes form, and the settings every node got. */
    private String members;
    private String[] common;

    /**
     * @param racks  rack of each node ("" for none); its length is the number of nodes
     * @param common settings for every node ("--replication-factor", "3", ...)
     */
    static LocalRing start(String[] racks, String... common) throws Exception {
        return start(racks, null, common);
    }

    /** As {@link #start(String[], String...)}; {@code secrets[i]} (if given) overrides node i's secret. */
    static LocalRing start(String[] racks, String[] secrets, String... common) throws Exception {
        int k = racks.length;
        int[] ports = new int[k];
        int[] bus = new int[k];
        for (int i = 0; i < k; i++) {
            ports[i] = freePort();
            bus[i] = freePort();
        }
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < k; i++) {
            members.append(i == 0 ? "" : ",").append("n").append(i + 1).append("@127.0.0.1:").append(ports[i])
                    .append(':').append(racks[i]).append(":1:").append(bus[i]);
        }
        LocalRing ring = new LocalRing();
        ring.members = members.toString();
        ring.common = common;
        try {
            for (int i = 0; i < k; i++) {
                Path dir = Files.createTempDirectory("kvstore-ring");
                List<String> args = new ArrayList<>(List.of("--port", Integer.toString(ports[i]), "--dir", dir.toString(),
                        "--loglevel", "warning", "--node-name", "n" + (i + 1), "--cluster-nodes", members.toString(),
                        "--cluster-secret", secrets != null && secrets[i] != null ? secrets[i] : "test-secret"));
                args.addAll(List.of(common));
                Config config = ConfigLoader.load(args.toArray(new String[0]));
                KvNode node = new KvNode(config, () -> { });
                ring.nodes.add(node);
                ring.names.add("n" + (i + 1));
                node.start();
            }
        } catch (Exception e) {
            ring.close();
            throw e;
        }
        return ring;
    }

    static int freePort() throws IOException {
        return RedisServerProcess.freePort();
    }

    /**
     * Starts one more node, {@code name}, that is not a member: cluster-nodes lists the starting
     * members as its seeds, so RING JOIN on it joins the ring.
     */
    KvNode addNode(String name) throws Exception {
        int port = freePort();
        int bus = freePort();
        Path dir = Files.createTempDirectory("kvstore-ring");
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--dir", dir.toString(),
                "--loglevel", "warning", "--node-name", name, "--cluster-nodes", members, "--cluster-port",
                Integer.toString(bus), "--cluster-secret", "test-secret"));
        args.addAll(List.of(common));
        KvNode node = new KvNode(ConfigLoader.load(args.toArray(new String[0])), () -> { });
        nodes.add(node);
        names.add(name);
        node.start();
        return node;
    }

    KvNode node(String name) {
        return nodes.get(names.indexOf(name));
    }

    int port(String name) {
        return node(name).port();
    }

    /**
     * Waits until every node sees every other as up and has its own link to it connected (a fast
     * failure detector may convict slow starters; a link may still be backing off after a refused dial).
     */
    LocalRing awaitAllUp() throws InterruptedException {
        await("every node to see every other up", 15_000, () -> {
            for (KvNode n : nodes) {
                for (String peer : names) {
                    String state = n.cluster().topology().state(peer);
                    // up as gossip heard it, possibly second hand, and this node's own link connected
                    if (!state.equals("myself") && (!state.equals("up")
                            || !n.cluster().transport().metrics(peer).connected())) {
                        return false;
                    }
                }
            }
            return true;
        });
        return this;
    }

    /** Cuts the link between two nodes in both directions. */
    void cut(String a, String b) {
        node(a).cluster().transport().faults().drop(b);
        node(b).cluster().transport().faults().drop(a);
    }

    void heal(String a, String b) {
        node(a).cluster().transport().faults().heal(b);
        node(b).cluster().transport().faults().heal(a);
    }

    /** Waits until {@code condition} holds, polling, for at most {@code ms}; fails the test otherwise. */
    static void await(String what, long ms, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + ms + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        for (KvNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
    }
}
