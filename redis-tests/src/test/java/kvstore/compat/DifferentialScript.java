package kvstore.compat;

import kvstore.resp.SplitArgs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs one script of commands against the reference redis-server and against kvstore, each on a
 * fresh connection after FLUSHALL, and reports every reply that differs.
 *
 * <p>Script lines: a command in redis-cli quoting; '#' comments; and the prefixes
 * {@code @unordered} (compare top-level elements as a multiset), {@code @shape} (compare only the
 * RESP type and element count), {@code @replies n} (the command answers with n replies, each compared,
 * as SUBSCRIBE does once per channel) and {@code @sleep ms}.
 */
final class DifferentialScript {
    private enum Mode { EXACT, UNORDERED, SHAPE }

    private final Path file;

    DifferentialScript(Path file) {
        this.file = file;
    }

    /** The divergences found, one readable paragraph each; empty when kvstore matched Redis. */
    List<String> run(int redisPort, int kvstorePort) throws IOException, InterruptedException {
        List<String> divergences = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        try (RespConnection redis = new RespConnection(redisPort); RespConnection kv = new RespConnection(kvstorePort)) {
            redis.call("FLUSHALL");
            kv.call("FLUSHALL");
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Mode mode = Mode.EXACT;
                int replies = 1;
                if (line.startsWith("@replies ")) {
                    String[] parts = line.split("\\s+", 3);
                    replies = Integer.parseInt(parts[1]);
                    line = parts[2];
                }
                if (line.startsWith("@sleep ")) {
                    Thread.sleep(Long.parseLong(line.substring(7).trim()));
                    continue;
                } else if (line.startsWith("@unordered ")) {
                    mode = Mode.UNORDERED;
                    line = line.substring(11);
                } else if (line.startsWith("@shape ")) {
                    mode = Mode.SHAPE;
                    line = line.substring(7);
                } else if (line.startsWith("@")) {
                    throw new IllegalArgumentException(file + ":" + (n + 1) + ": unknown directive " + line);
                }
                byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
                List<byte[]> args = SplitArgs.split(bytes, 0, bytes.length);
                if (args == null || args.isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + (n + 1) + ": cannot parse " + line);
                }
                for (int r = 0; r < replies; r++) {
                    RespValue expected = r == 0 ? redis.call(args) : redis.read();
                    RespValue actual;
                    try {
                        actual = r == 0 ? kv.call(args) : kv.read();
                    } catch (IOException e) {
                        divergences.add(where(n, line) + "\n  redis:   " + expected + "\n  kvstore: " + e);
                        return divergences;
                    }
                    if (!matches(mode, expected, actual)) {
                        divergences.add(where(n, line) + (mode == Mode.EXACT ? "" : " [" + mode.name().toLowerCase() + "]")
                                + "\n  redis:   " + expected + "\n  kvstore: " + actual);
                    }
                }
            }
        }
        return divergences;
    }

    private String where(int n, String line) {
        return file.getFileName() + ":" + (n + 1) + ": " + line;
    }

    private static boolean matches(Mode mode, RespValue expected, RespValue actual) {
        return switch (mode) {
            case EXACT -> Arrays.equals(expected.raw(), actual.raw());
            case SHAPE -> expected.type() == actual.type()
                    && (expected.children().isEmpty() && actual.children().isEmpty() || expected.length() == actual.length());
            case UNORDERED -> expected.type() == actual.type() && expected.length() == actual.length()
                    && sortedElements(expected).equals(sortedElements(actual));
        };
    }

    /** Top-level elements (key/value pairs for maps) as escaped strings, sorted. */
    private static List<String> sortedElements(RespValue v) {
        List<String> out = new ArrayList<>();
        List<RespValue> c = v.children();
        int step = v.type() == '%' ? 2 : 1;
        for (int i = 0; i + step - 1 < c.size(); i += step) {
            out.add(step == 2 ? c.get(i) + "=>" + c.get(i + 1) : c.get(i).toString());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }
}
