package kvstore.config;

import kvstore.resp.SplitArgs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Redis-format configuration: "name value..." lines, '#' comments, "include path", then
 * command-line overrides ("--port 7000"), each of which acts like one more line. The first bad line
 * stops loading with the file, line and reason.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The error that stops start-up, formatted as Redis formats a fatal config error. */
    public static final class LoadError extends Exception {
        LoadError(String where, String line, String reason) {
            super("\n*** FATAL CONFIG FILE ERROR ***\n" + "Reading the configuration file, " + where + "\n>>> '" + line
                    + "'\n" + reason);
        }
    }

    /**
     * Loads {@code args} as redis-server takes them: an optional config file path first, then
     * "--name value..." overrides.
     */
    public static Config load(String[] args) throws LoadError {
        Config config = new Config();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            Path file = Path.of(args[0]);
            config.setFile(file.toAbsolutePath());
            loadFile(config, file, 0);
            i = 1;
        }
        List<String> overrides = new ArrayList<>();
        while (i < args.length) {
            if (!args[i].startsWith("--")) {
                throw new LoadError("at command-line argument " + (i + 1), args[i], "expected --name value");
            }
            StringBuilder line = new StringBuilder(args[i].substring(2));
            i++;
            while (i < args.length && !args[i].startsWith("--")) {
                line.append(' ').append(quoteIfNeeded(args[i]));
                i++;
            }
            overrides.add(line.toString());
        }
        for (int n = 0; n < overrides.size(); n++) {
            applyLine(config, overrides.get(n), "at command-line override " + (n + 1), null, 0);
        }
        return config;
    }

    private static String quoteIfNeeded(String arg) {
        return arg.isEmpty() || arg.chars().anyMatch(c -> c == ' ' || c == '"' || c == '\'')
                ? "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : arg;
    }

    private static void loadFile(Config config, Path file, int depth) throws LoadError {
        if (depth > 16) {
            throw new LoadError("in " + file, "include", "includes nested too deeply");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LoadError("at " + file, "", "Fatal error, can't open config file '" + file + "': " + e.getMessage());
        }
        for (int n = 0; n < lines.size(); n++) {
            applyLine(config, lines.get(n), "at line " + (n + 1) + " of " + file, file, depth);
        }
    }

    private static void applyLine(Config config, String line, String where, Path file, int depth) throws LoadError {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return;
        }
        byte[] bytes = trimmed.getBytes(StandardCharsets.UTF_8);
        List<byte[]> words = SplitArgs.split(bytes, 0, bytes.length);
        if (words == null) {
            throw new LoadError(where, trimmed, "Unbalanced quotes in configuration line");
        }
        String name = new String(words.get(0), StandardCharsets.UTF_8);
        if (name.equalsIgnoreCase("include")) {
            if (words.size() != 2) {
                throw new LoadError(where, trimmed, "Bad directive or wrong number of arguments");
            }
            Path inc = Path.of(new String(words.get(1), StandardCharsets.UTF_8));
            if (!inc.isAbsolute() && file != null && file.getParent() != null && !Files.exists(inc)) {
                inc = file.getParent().resolve(inc);
            }
            loadFile(config, inc, depth + 1);
            return;
        }
        if (words.size() < 2) {
            throw new LoadError(where, trimmed, "wrong number of arguments");
        }
        StringBuilder value = new StringBuilder();
        for (int w = 1; w < words.size(); w++) {
            value.append(w == 1 ? "" : " ").append(new String(words.get(w), StandardCharsets.UTF_8));
        }
        try {
            config.load(name, value.toString());
        } catch (ConfigException e) {
            throw new LoadError(where, trimmed, e.getMessage());
        }
    }
}
