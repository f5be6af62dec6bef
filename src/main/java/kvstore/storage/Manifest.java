package kvstore.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The list of live tables per level and the first commit-log segment still needed, in the text file
 * {@code MANIFEST}:
 * <pre>
 *   kvstore-manifest 1
 *   log-start &lt;segment number&gt;
 *   table &lt;level&gt; &lt;table number&gt;      (one line per table; level 0 newest first, others by key)
 *   crc &lt;CRC32C of all bytes before this line, 8 hex digits&gt;
 * </pre>
 * It is replaced atomically: written to {@code MANIFEST.tmp}, fsynced, renamed over {@code MANIFEST},
 * and the directory fsynced. A leftover {@code MANIFEST.tmp} is a crash before the rename and is ignored.
 */
final class Manifest {
    static final String NAME = "MANIFEST";
    static final String TMP = "MANIFEST.tmp";
    private static final String HEADER = "kvstore-manifest 1";

    /** Table numbers per level, and the first needed log segment. */
    record State(long logStart, List<List<Long>> levels) {
    }

    private Manifest() {
    }

    /** The stored state, or null if the directory has no manifest yet. */
    static State read(Path dir, int levelCount) throws IOException {
        Files.deleteIfExists(dir.resolve(TMP));
        Path p = dir.resolve(NAME);
        if (!Files.exists(p)) {
            return null;
        }
        byte[] all = Files.readAllBytes(p);
        String text = new String(all, StandardCharsets.US_ASCII);
        int crcLine = text.lastIndexOf("crc ");
        if (!text.startsWith(HEADER + "\n") || crcLine < 0 || !text.endsWith("\n")) {
            throw new StorageException("manifest " + p + " is malformed");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, crcLine);
        String stored = text.substring(crcLine + 4, text.length() - 1).trim();
        if (!stored.equals(String.format("%08x", crc.getValue()))) {
            throw new StorageException("manifest " + p + " fails its checksum");
        }
        long logStart = -1;
        List<List<Long>> levels = new ArrayList<>();
        for (int i = 0; i < levelCount; i++) {
            levels.add(new ArrayList<>());
        }
        String[] lines = text.substring(0, crcLine).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] w = lines[i].split(" ");
            try {
                if (w[0].equals("log-start") && w.length == 2) {
                    logStart = Long.parseLong(w[1]);
                } else if (w[0].equals("table") && w.length == 3) {
                    int level = Integer.parseInt(w[1]);
                    if (level < 0 || level >= levelCount) {
                        throw new StorageException("manifest " + p + " line " + (i + 1) + ": level " + level
                                + " beyond the configured " + levelCount + " levels");
                    }
                    levels.get(level).add(Long.parseLong(w[2]));
                } else {
                    throw new StorageException("manifest " + p + " line " + (i + 1) + " is malformed: " + lines[i]);
                }
            } catch (NumberFormatException e) {
                throw new StorageException("manifest " + p + " line " + (i + 1) + " is malformed: " + lines[i]);
            }
        }
        if (logStart < 0) {
            throw new StorageException("manifest " + p + " has no log-start line");
        }
        return new State(logStart, levels);
    }

    static void write(Path dir, State state) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("log-start ").append(state.logStart()).append('\n');
        for (int l = 0; l < state.levels().size(); l++) {
            for (long t : state.levels().get(l)) {
                sb.append("table ").append(l).append(' ').append(t).append('\n');
            }
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] tail = String.format("crc %08x\n", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        byte[] content = java.util.Arrays.copyOf(body, body.length + tail.length);
        System.arraycopy(tail, 0, content, body.length, tail.length);
        DurableFiles.replace(dir.resolve(NAME), content); // through MANIFEST.tmp (TMP)
    }
}
