package kvstore.storage;

import java.io.PrintStream;
import java.nio.file.Path;

import static kvstore.storage.TestData.b;
import static kvstore.storage.TestData.set;

/**
 * Child process of {@link CrashRecoveryTest}: writes with {@code appendfsync always} from several
 * threads and appends {@code put <key>} or {@code del <key>} to an acknowledgement file after each write
 * returned, until it is killed. (A file rather than stdout: what a killed process wrote to a pipe can be
 * lost by the parent's process reaper, what it wrote to a file is in the page cache.) Key {@code c<cycle>-t<thread>-<i>} gets value {@code v<i>}; every 7th write removes the
 * key written five steps earlier.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String cycle = args[1];
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(args[3]), false, "ISO-8859-1");
        LsmEngine engine = new LsmEngine(dir, TestData.small().withFsync(FsyncPolicy.ALWAYS)
                .withMemtableSize(32 * 1024));
        out.println("ready");
        out.flush();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String key = "c" + cycle + "-t" + id + "-" + i;
                    engine.put(b(key), set("v" + i));
                    synchronized (out) {
                        out.println("put " + key);
                        out.flush();
                    }
                    if (i % 7 == 0 && i >= 5) {
                        String old = "c" + cycle + "-t" + id + "-" + (i - 5);
                        engine.remove(b(old));
                        synchronized (out) {
                            out.println("del " + old);
                            out.flush();
                        }
                    }
                }
            });
            th.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
