package kvstore.compat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server (Debian's, from the PATH) on a free loopback port: the reference the
 * differential suite compares kvstore against. Persistence is off; it lives in a temp dir.
 */
public final class RedisServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServerProcess start(String... extraArgs) throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createTempDirectory("redis-ref");
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        cmd.addAll(List.of(extraArgs));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis.log")).start();
        } catch (IOException e) {
            throw new IOException("redis-server is not on the PATH; install Debian's redis-server and redis-tools", e);
        }
        RedisServerProcess server = new RedisServerProcess(p, port);
        server.awaitReady();
        return server;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue());
            }
            try (RespConnection c = new RespConnection(port)) {
                if (c.call("PING").toString().equals("+PONG\\r\\n")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server did not answer PING within 10 s", last);
    }

    /**
     * A port nothing listens on, below Linux's ephemeral range (32768 and up) and such that port +
     * 10000 (a node's default peer port) is too: a port handed out by the OS for listening (port 0)
     * is an ephemeral one, which the source port of any outgoing connection, say a node dialling its
     * peers, may take before the test binds it.
     */
    /** Ports handed out in this JVM: a port is free when checked, so two callers could get the same one. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = 10000 + rnd.nextInt(12000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("no free port below the ephemeral range");
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
