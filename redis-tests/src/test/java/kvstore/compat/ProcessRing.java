package kvstore.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A ring of node processes on loopback (n1, n2, ...), each with its own data directory, for tests
 * that kill, pause, wipe and restart nodes. Closing stops every node and removes the directories.
 */
final class ProcessRing implements AutoCloseable {
    final int[] ports;
    final Path[] dirs;
    private final String members;
    private final String[] common;
    private final List<KvstoreProcess> nodes = new ArrayList<>();

    /** Starts {@code k} nodes with {@code common} settings for each (a secret is set here). */
    ProcessRing(int k, String... common) throws Exception {
        this.common = common;
        ports = new int[k];
        dirs = new Path[k];
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < k; i++) {
            ports[i] = LocalRing.freePort();
            dirs[i] = Files.createTempDirectory("kvstore-ring-proc");
            m.append(i == 0 ? "" : ",").append("n").append(i + 1).append("@127.0.0.1:").append(ports[i])
                    .append("::1:").append(LocalRing.freePort());
        }
        members = m.toString();
        try {
            for (int i = 0; i < k; i++) {
                nodes.add(start(i));
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private KvstoreProcess start(int i) throws Exception {
        List<String> args = new ArrayList<>(List.of("--node-name", "n" + (i + 1), "--cluster-nodes", members,
                "--cluster-secret", "s3cret"));
        args.addAll(List.of(common));
        return KvstoreProcess.start(dirs[i], ports[i], args.toArray(new String[0]));
    }

    KvstoreProcess node(int i) {
        return nodes.get(i);
    }

    /** Starts node {@code i} again on its port and directory (after a kill). */
    void restart(int i) throws Exception {
        nodes.set(i, start(i));
    }

    /** Deletes node {@code i}'s data (its engine and hints), as a lost disk would. */
    void wipeData(int i) throws IOException {
        delete(dirs[i].resolve("data"));
    }

    /** "up" or "down" as the node at {@code c} sees {@code peer} (INFO cluster). */
    static String peerState(RespConnection c, String peer) {
        String v = infoField(c, "ring_peer_" + peer);
        return v.substring(v.indexOf("state=") + 6, v.indexOf(','));
    }

    /** One field of INFO cluster. */
    static String infoField(RespConnection c, String field) {
        try {
            for (String line : c.call("INFO", "cluster").text().split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1);
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        throw new AssertionError("no " + field + " in INFO cluster");
    }

    /**
     * Waits until the node at {@code c} sees every peer named up, with its own link to each connected
     * (gossip may report a peer up second hand while this node's link to it is still reconnecting).
     */
    static void awaitUp(RespConnection c, String... peers) throws InterruptedException {
        LocalRing.await(String.join(", ", peers) + " up and linked", 60_000, () -> {
            for (String p : peers) {
                String line = infoField(c, "ring_peer_" + p);
                if (!line.startsWith("state=up") || !line.endsWith("link=connected")) {
                    return false;
                }
            }
            return true;
        });
    }

    @Override
    public void close() throws Exception {
        for (KvstoreProcess p : nodes) {
            p.close();
        }
        for (Path d : dirs) {
            if (d != null) {
                delete(d);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
