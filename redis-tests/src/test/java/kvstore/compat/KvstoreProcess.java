package kvstore.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kvstore as operators run it: a separate JVM started from target/kvstore.jar with its own data
 * directory and log file, on a free loopback port.
 */
public final class KvstoreProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final Path dir;

    private KvstoreProcess(Process process, int port, Path log, Path dir) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.dir = dir;
    }

    public static KvstoreProcess start(String... overrides) throws IOException, InterruptedException {
        return start(Files.createTempDirectory("kvstore-proc"), RedisServerProcess.freePort(), overrides);
    }

    /** Starts on {@code port} with data and logs under {@code dir}: restarting on the same dir finds the data again. */
    public static KvstoreProcess start(Path dir, int port, String... overrides) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "kvstore.jar");
        if (!Files.exists(jar)) {
            throw new IOException(jar + " is missing; run mvn package first");
        }
        // one log per start: a restart on the same directory keeps the earlier runs' logs to read
        Path log = dir.resolve("kvstore-" + System.currentTimeMillis() + "-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx1g", "-jar", jar.toString(),
                "--port", Integer.toString(port), "--dir", dir.resolve("data").toString(), "--logfile", log.toString()));
        cmd.addAll(List.of(overrides));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
        KvstoreProcess k = new KvstoreProcess(p, port, log, dir);
        k.awaitReady();
        return k;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("kvstore exited with " + process.exitValue() + ": " + output());
            }
            try (RespConnection c = new RespConnection(port)) {
                if (c.call("PING").toString().equals("+PONG\\r\\n")) {
                    return;
                }
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IOException("kvstore did not answer PING within 20 s: " + output());
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** Everything the server logged so far. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private String output() throws IOException {
        Path out = dir.resolve("stdout.log");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    /** Sends SIGTERM, as a service manager does, and returns whether the process exited within 15 s. */
    public boolean terminate() throws InterruptedException {
        process.destroy();
        return process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (!terminate()) {
            process.destroyForcibly().waitFor();
        }
    }
}
