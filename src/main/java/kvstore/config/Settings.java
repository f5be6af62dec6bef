package kvstore.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting kvstore accepts, with Redis's name where Redis has the setting. conf/kvstore.conf
 * documents each one; keep the two in step.
 */
final class Settings {
    private Settings() {
    }

    static Map<String, Setting> all() {
        Map<String, Setting> m = new LinkedHashMap<>();
        for (Setting s : List.of(
                // network and security
                Setting.checked("bind", "127.0.0.1 -::1", false, Settings::bindList),
                Setting.integer("port", 6379, 0, 65535, false),
                Setting.bool("protected-mode", true, true),
                Setting.secret("requirepass", "", true),
                Setting.integer("maxclients", 10000, 1, 1_000_000, true),
                Setting.integer("timeout", 0, 0, Integer.MAX_VALUE, true),
                Setting.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true),
                Setting.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false),
                Setting.integer("io-threads", 1, 1, 128, false),
                // request limits
                Setting.memory("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true),
                Setting.memory("client-query-buffer-limit", 1024L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true),
                Setting.memory("proto-inline-max-size", 64 * 1024, 1024, 512L * 1024 * 1024, true),
                Setting.integer("proto-max-multibulk-len", Integer.MAX_VALUE, 1, Integer.MAX_VALUE, true),
                // keyspace
                Setting.integer("databases", 16, 1, 256, false),
                Setting.checked("hz", "10", true, Settings::hz),
                Setting.bool("active-expire", true, true),
                // collections: past these sizes OBJECT ENCODING reports Redis's big encodings
                Setting.integer("hash-max-listpack-entries", 512, 0, Long.MAX_VALUE, true).alias("hash-max-ziplist-entries"),
                Setting.memory("hash-max-listpack-value", 64, 0, Long.MAX_VALUE, true).alias("hash-max-ziplist-value"),
                Setting.integer("set-max-intset-entries", 512, 0, Long.MAX_VALUE, true),
                Setting.integer("zset-max-listpack-entries", 128, 0, Long.MAX_VALUE, true).alias("zset-max-ziplist-entries"),
                Setting.memory("zset-max-listpack-value", 64, 0, Long.MAX_VALUE, true).alias("zset-max-ziplist-value"),
                // accepted for Redis's tools and tests; a list's elements are separate entries here,
                // so neither changes how a list is stored (OBJECT ENCODING says quicklist, as 7.0 does)
                Setting.integer("list-max-listpack-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true).alias("list-max-ziplist-size"),
                Setting.integer("list-compress-depth", 0, 0, Integer.MAX_VALUE, true),
                // persistence
                Setting.string("dir", "./data", false),
                Setting.oneOf("engine", "lsm", List.of("lsm", "memory"), false),
                Setting.memory("memtable-size", 64L * 1024 * 1024, 1024 * 1024, 4L * 1024 * 1024 * 1024, false),
                Setting.memory("compaction-throughput", 128L * 1024 * 1024, 0, Long.MAX_VALUE, false),
                Setting.bool("commitlog-skip-corrupt", false, false),
                Setting.integer("purge-grace-period", 3600, 0, Integer.MAX_VALUE, true),
                Setting.bool("appendonly", true, false),
                Setting.oneOf("appendfsync", "everysec", List.of("everysec", "always", "no"), true),
                Setting.checked("save", "3600 1 300 100 60 10000", true, Settings::saveParams),
                // logging and introspection
                Setting.oneOf("loglevel", "notice", List.of("debug", "verbose", "notice", "warning"), true),
                Setting.string("logfile", "", false),
                Setting.bool("daemonize", false, false),
                Setting.string("pidfile", "", false),
                Setting.integer("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true),
                Setting.integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true),
                Setting.bool("latency-tracking", true, true),
                Setting.checked("latency-tracking-info-percentiles", "50 99 99.9", true, Settings::percentiles),
                Setting.oneOf("enable-debug-command", "no", List.of("no", "yes", "local"), false),
                // node identity and the ring (conf/kvstore.conf documents each)
                Setting.string("node-name", "", false),
                Setting.string("rack", "", false),
                Setting.integer("node-weight", 1, 1, 1000, false),
                Setting.string("cluster-nodes", "", false),
                Setting.secret("cluster-secret", "", false),
                Setting.integer("cluster-port", 0, 0, 65535, false),
                Setting.string("cluster-announce-host", "127.0.0.1", false),
                Setting.integer("replication-factor", 3, 1, 15, false),
                Setting.integer("read-quorum", 2, 1, 15, false),
                Setting.integer("write-quorum", 2, 1, 15, false),
                Setting.integer("cluster-request-timeout", 1000, 1, 3_600_000, false),
                Setting.integer("read-repair-percent", 10, 0, 100, true),
                Setting.integer("gossip-interval", 1000, 10, 60_000, false),
                Setting.integer("phi-convict-threshold", 8, 1, 100, false),
                Setting.bool("sloppy-quorum", true, false),
                Setting.memory("hint-max-bytes", 256L * 1024 * 1024, 0, Long.MAX_VALUE, false),
                Setting.integer("hint-max-age", 10800, 1, Integer.MAX_VALUE, false),
                Setting.memory("hint-throughput", 16L * 1024 * 1024, 0, Long.MAX_VALUE, false),
                Setting.integer("anti-entropy-interval", 60, 0, Integer.MAX_VALUE, false),
                Setting.memory("anti-entropy-throughput", 8L * 1024 * 1024, 0, Long.MAX_VALUE, false),
                Setting.integer("max-siblings", 100, 1, 100_000, true))) {
            m.put(s.name(), s);
        }
        return m;
    }

    /** Redis clamps hz into 1..500 instead of refusing it. */
    private static String hz(String v) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument couldn't be parsed into an integer");
        }
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("argument must be between 0 and 2147483647 inclusive");
        }
        return Long.toString(Math.max(1, Math.min(500, n)));
    }

    private static String bindList(String v) {
        String norm = String.join(" ", v.trim().split("\\s+"));
        if (norm.isEmpty()) {
            throw new IllegalArgumentException("Too many bind addresses specified.");
        }
        return norm;
    }

    private static String saveParams(String v) {
        String[] parts = v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+");
        if (parts.length % 2 != 0) {
            throw new IllegalArgumentException("Invalid save parameters");
        }
        for (String p : parts) {
            try {
                if (Long.parseLong(p) < 0) {
                    throw new IllegalArgumentException("Invalid save parameters");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid save parameters");
            }
        }
        return String.join(" ", parts);
    }

    private static String percentiles(String v) {
        String[] parts = v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+");
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            double d;
            try {
                d = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (d < 0 || d > 100 || Double.isNaN(d)) {
                throw new IllegalArgumentException("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            String norm = new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%f", d)).stripTrailingZeros().toPlainString();
            sb.append(sb.length() == 0 ? "" : " ").append(norm);
        }
        return sb.toString();
    }
}
