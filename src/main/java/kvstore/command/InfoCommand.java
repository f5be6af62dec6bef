package kvstore.command;

import kvstore.config.Config;
import kvstore.keyspace.Keyspace;
import kvstore.metrics.CommandStats;
import kvstore.metrics.ServerStats;
import kvstore.resp.Reply;
import kvstore.resp.VerbatimReply;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.STALE;

/**
 * INFO [section ...]: Redis 7.0's sections and the fields tools read, filled with kvstore's real
 * values, plus a "kvstore" section. Fields that describe machinery kvstore does not have (forks, RDB
 * files, replicas) report that it is absent (0, -1, "ok" with nothing done) rather than invented work.
 */
final class InfoCommand {
    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace", "kvstore");
    private static final List<String> ALL = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace",
            "kvstore");

    private final CommandContext ctx;
    private final String runId = randomHex(20);
    private final String replId = randomHex(20);

    InfoCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("info", -1, this::info).flags(LOADING, STALE).categories("slow", "dangerous")
                .group("server").doc("Get information and statistics about the server", "1.0.0").build());
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private Reply info(Session s, byte[][] a) {
        Set<String> wanted = new LinkedHashSet<>();
        if (a.length == 1) {
            wanted.addAll(DEFAULT);
        }
        for (int i = 1; i < a.length; i++) {
            String name = Args.str(a[i]).toLowerCase(Locale.ROOT);
            switch (name) {
                case "default" -> wanted.addAll(DEFAULT);
                case "all", "everything" -> wanted.addAll(ALL);
                default -> wanted.add(name);
            }
        }
        return VerbatimReply.text(render(wanted));
    }

    /**
     * Redis's cluster_enabled stays 0 (Redis Cluster's protocol, MOVED and CLUSTER SLOTS, is not
     * served); the ring_ fields describe kvstore's ring.
     */
    private void cluster(StringBuilder sb) {
        sb.append("# Cluster\r\ncluster_enabled:0\r\n");
        kvstore.cluster.Topology t = ctx.topology();
        if (t == null) {
            return;
        }
        kvstore.cluster.Ring ring = t.ring();
        int up = 0;
        for (kvstore.cluster.RingMember m : ring.members()) {
            if (t.state(m.name()).equals("up")) {
                up++;
            }
        }
        int[] range = ring.slotRange(t.nodeName()); // null: not a member (yet)
        kvstore.cluster.RingMember me = ring.member(t.nodeName());
        sb.append("ring_node_name:").append(t.nodeName()).append("\r\n")
                .append("ring_nodes:").append(ring.members().size()).append("\r\n")
                .append("ring_peers_up:").append(up).append("\r\n")
                .append("ring_rack:").append(me == null ? "" : me.rack()).append("\r\n")
                .append("ring_slots:").append(range == null ? "none" : range[0] + "-" + range[1]).append("\r\n")
                .append("ring_replication_factor:").append(t.replicationFactor()).append("\r\n")
                .append("ring_read_quorum:").append(t.defaultReadQuorum()).append("\r\n")
                .append("ring_write_quorum:").append(t.defaultWriteQuorum()).append("\r\n");
        for (String f : t.infoFields()) {
            sb.append(f).append("\r\n");
        }
        for (kvstore.cluster.RingMember m : ring.members()) {
            if (!m.name().equals(t.nodeName())) {
                sb.append("ring_peer_").append(m.name()).append(":state=").append(t.state(m.name()))
                        .append(",phi=").append(String.format(java.util.Locale.ROOT, "%.2f", t.phi(m.name())))
                        .append(",link=").append(t.linked(m.name()) ? "connected" : "none").append("\r\n");
            }
        }
    }

    /** The INFO text of the {@code wanted} sections, in Redis's section order. */
    String render(Set<String> wanted) {
        StringBuilder sb = new StringBuilder(4096);
        int sections = 0;
        for (String section : ALL) {
            if (!wanted.contains(section)) {
                continue;
            }
            if (sections++ > 0) {
                sb.append("\r\n");
            }
            switch (section) {
                case "server" -> server(sb);
                case "clients" -> clients(sb);
                case "memory" -> memory(sb);
                case "persistence" -> persistence(sb);
                case "stats" -> stats(sb);
                case "replication" -> replication(sb);
                case "cpu" -> cpu(sb);
                case "modules" -> sb.append("# Modules\r\n");
                case "commandstats" -> commandStats(sb);
                case "errorstats" -> errorStats(sb);
                case "latencystats" -> latencyStats(sb);
                case "cluster" -> cluster(sb);
                case "keyspace" -> keyspace(sb);
                case "kvstore" -> kvstore(sb);
                default -> throw new IllegalStateException(section);
            }
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }

    private void server(StringBuilder sb) {
        ServerStats st = ctx.stats();
        long now = System.currentTimeMillis();
        long uptime = (now - st.startMillis()) / 1000;
        Config config = ctx.config();
        sb.append("# Server\r\n");
        field(sb, "redis_version", ServerInfo.REDIS_VERSION);
        field(sb, "redis_git_sha1", "00000000");
        field(sb, "redis_git_dirty", 0);
        field(sb, "redis_build_id", "0");
        field(sb, "redis_mode", "standalone");
        field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        field(sb, "arch_bits", System.getProperty("sun.arch.data.model", "64"));
        field(sb, "monotonic_clock", "System.nanoTime");
        field(sb, "multiplexing_api", ctx.server().transport());
        field(sb, "process_id", ProcessHandle.current().pid());
        field(sb, "process_supervised", "no");
        field(sb, "run_id", runId);
        field(sb, "tcp_port", ctx.server().tcpPort());
        field(sb, "server_time_usec", now * 1000);
        field(sb, "uptime_in_seconds", uptime);
        field(sb, "uptime_in_days", uptime / 86400);
        field(sb, "hz", config.get("hz"));
        field(sb, "configured_hz", config.get("hz"));
        field(sb, "config_file", config.file() == null ? "" : config.file());
        field(sb, "io_threads_active", 0);
    }

    private void clients(StringBuilder sb) {
        sb.append("# Clients\r\n");
        field(sb, "connected_clients", ctx.server().connectedClients());
        field(sb, "cluster_connections", 0);
        field(sb, "maxclients", ctx.config().get("maxclients"));
        field(sb, "blocked_clients", ctx.blocking().blockedClients());
        field(sb, "tracking_clients", 0);
        field(sb, "clients_in_timeout_table", ctx.blocking().clientsWithTimeout());
    }

    private void memory(StringBuilder sb) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long peak = Math.max(used, heapPeak());
        long rss = residentBytes();
        long total = totalSystemMemory();
        sb.append("# Memory\r\n");
        field(sb, "used_memory", used);
        field(sb, "used_memory_human", human(used));
        field(sb, "used_memory_rss", rss);
        field(sb, "used_memory_rss_human", human(rss));
        field(sb, "used_memory_peak", peak);
        field(sb, "used_memory_peak_human", human(peak));
        field(sb, "total_system_memory", total);
        field(sb, "total_system_memory_human", human(total));
        field(sb, "maxmemory", 0);
        field(sb, "maxmemory_human", "0B");
        field(sb, "maxmemory_policy", "noeviction");
        field(sb, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used));
        field(sb, "mem_allocator", "jvm");
        field(sb, "jvm_heap_committed", rt.totalMemory());
        field(sb, "jvm_heap_max", rt.maxMemory());
    }

    private static long heapPeak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /** Resident set size from /proc/self/statm; the committed heap where that is unavailable. */
    private static long residentBytes() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096;
        } catch (Exception e) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** Redis's bytesToHuman. */
    static String human(long n) {
        double d = n;
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        int u = -1;
        while (d >= 1024 && u < units.length - 1) {
            d /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", d, units[u]);
    }

    private void persistence(StringBuilder sb) {
        ServerStats st = ctx.stats();
        sb.append("# Persistence\r\n");
        field(sb, "loading", 0);
        field(sb, "async_loading", 0);
        field(sb, "rdb_changes_since_last_save", st.changesSinceLastSave());
        field(sb, "rdb_bgsave_in_progress", 0);
        field(sb, "rdb_last_save_time", st.lastSaveSeconds());
        field(sb, "rdb_last_bgsave_status", "ok");
        field(sb, "rdb_last_bgsave_time_sec", st.lastSaveSecondsTaken());
        field(sb, "rdb_current_bgsave_time_sec", -1);
        field(sb, "rdb_saves", st.saves());
        field(sb, "aof_enabled", 0);
        field(sb, "aof_rewrite_in_progress", 0);
        field(sb, "aof_rewrite_scheduled", 0);
        field(sb, "aof_last_rewrite_time_sec", -1);
        field(sb, "aof_current_rewrite_time_sec", -1);
        field(sb, "aof_last_bgrewrite_status", "ok");
        field(sb, "aof_rewrites", 0);
        field(sb, "aof_last_write_status", "ok");
        // kvstore keeps no RDB or AOF file: the engine's commit log and tables are its persistence, and
        // SAVE/BGSAVE flush the memtable to a table (an in-memory engine keeps nothing across restarts).
        for (java.util.Map.Entry<String, String> e : ctx.keyspace().storageInfo().entrySet()) {
            field(sb, e.getKey(), e.getValue());
        }
    }

    private void stats(StringBuilder sb) {
        ServerStats st = ctx.stats();
        Keyspace ks = ctx.keyspace();
        sb.append("# Stats\r\n");
        field(sb, "total_connections_received", st.connectionsReceived());
        field(sb, "total_commands_processed", st.commands());
        field(sb, "instantaneous_ops_per_sec", st.instantaneousOpsPerSec());
        field(sb, "total_net_input_bytes", st.netInputBytes());
        field(sb, "total_net_output_bytes", st.netOutputBytes());
        field(sb, "instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousInputKbps()));
        field(sb, "instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", st.instantaneousOutputKbps()));
        field(sb, "rejected_connections", st.rejectedConnections());
        field(sb, "sync_full", 0);
        field(sb, "sync_partial_ok", 0);
        field(sb, "sync_partial_err", 0);
        field(sb, "expired_keys", ks.expiredKeys());
        field(sb, "evicted_keys", 0);
        field(sb, "evicted_clients", 0);
        field(sb, "keyspace_hits", st.keyspaceHits());
        field(sb, "keyspace_misses", st.keyspaceMisses());
        field(sb, "pubsub_channels", ctx.pubSub().channelCount(false));
        field(sb, "pubsub_patterns", ctx.pubSub().patternCount());
        field(sb, "pubsubshard_channels", ctx.pubSub().channelCount(true));
        field(sb, "latest_fork_usec", 0);
        field(sb, "total_forks", 0);
        field(sb, "total_error_replies", st.errorReplies());
    }

    private void replication(StringBuilder sb) {
        sb.append("# Replication\r\n");
        field(sb, "role", "master");
        field(sb, "connected_slaves", 0);
        field(sb, "master_failover_state", "no-failover");
        field(sb, "master_replid", replId);
        field(sb, "master_replid2", "0000000000000000000000000000000000000000");
        field(sb, "master_repl_offset", 0);
        field(sb, "second_repl_offset", -1);
        field(sb, "repl_backlog_active", 0);
    }

    private void cpu(StringBuilder sb) {
        double[] cpu = cpuSeconds();
        sb.append("# CPU\r\n");
        field(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", cpu[0]));
        field(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpu[1]));
        field(sb, "used_cpu_sys_children", "0.000000");
        field(sb, "used_cpu_user_children", "0.000000");
    }

    /** {system, user} CPU seconds of this process: /proc/self/stat, else the JVM's total as user time. */
    private static double[] cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // fields after the command name start at field 3 (state); utime is field 14, stime 15
            double ticks = 100.0;
            return new double[] {Long.parseLong(f[12]) / ticks, Long.parseLong(f[11]) / ticks};
        } catch (Exception e) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return new double[] {0, os.getProcessCpuTime() / 1e9};
            }
            return new double[] {0, 0};
        }
    }

    /** Every command and subcommand, by full name. */
    private Map<String, CommandSpec> allSpecs() {
        Map<String, CommandSpec> out = new TreeMap<>();
        for (CommandSpec spec : ctx.table().all()) {
            out.put(spec.name(), spec);
            for (CommandSpec sub : spec.subcommands().values()) {
                out.put(sub.name(), sub);
            }
        }
        return out;
    }

    private void commandStats(StringBuilder sb) {
        sb.append("# Commandstats\r\n");
        for (CommandSpec spec : allSpecs().values()) {
            CommandStats cs = spec.stats();
            long calls = cs.calls();
            if (calls == 0 && cs.failed() == 0 && cs.rejected() == 0) {
                continue;
            }
            long usec = cs.micros();
            sb.append("cmdstat_").append(spec.name()).append(":calls=").append(calls).append(",usec=").append(usec)
                    .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) usec / calls))
                    .append(",rejected_calls=").append(cs.rejected()).append(",failed_calls=").append(cs.failed())
                    .append("\r\n");
        }
    }

    private void errorStats(StringBuilder sb) {
        sb.append("# Errorstats\r\n");
        List<String> codes = new ArrayList<>(ctx.stats().errorsByCode().keySet());
        codes.sort(Comparator.naturalOrder());
        for (String code : codes) {
            field(sb, "errorstat_" + code, "count=" + ctx.stats().errorsByCode().get(code).sum());
        }
    }

    private void latencyStats(StringBuilder sb) {
        sb.append("# Latencystats\r\n");
        if (!ctx.config().getBool("latency-tracking")) {
            return;
        }
        String[] percentiles = ctx.config().get("latency-tracking-info-percentiles").trim().split("\\s+");
        for (CommandSpec spec : allSpecs().values()) {
            CommandStats cs = spec.stats();
            if (cs.calls() == 0) {
                continue;
            }
            sb.append("latency_percentiles_usec_").append(spec.name()).append(':');
            boolean first = true;
            for (String p : percentiles) {
                if (p.isEmpty()) {
                    continue;
                }
                double pct = Double.parseDouble(p);
                sb.append(first ? "" : ",").append('p').append(trim(pct)).append('=')
                        .append(String.format(Locale.ROOT, "%.3f", cs.percentileMicros(pct)));
                first = false;
            }
            sb.append("\r\n");
        }
    }

    private static String trim(double d) {
        return new BigDecimal(String.format(Locale.ROOT, "%f", d)).stripTrailingZeros().toPlainString();
    }

    private void keyspace(StringBuilder sb) {
        sb.append("# Keyspace\r\n");
        Keyspace ks = ctx.keyspace();
        for (int db = 0; db < ctx.databases(); db++) {
            long keys = ks.size(db);
            if (keys == 0) {
                continue;
            }
            sb.append("db").append(db).append(":keys=").append(keys).append(",expires=").append(ks.expiresCount(db))
                    .append(",avg_ttl=").append(ks.averageTtl(db)).append("\r\n");
        }
    }

    private void kvstore(StringBuilder sb) {
        sb.append("# Kvstore\r\n");
        field(sb, "kvstore_version", ServerInfo.KVSTORE_VERSION);
        field(sb, "engine", "memory");
        field(sb, "node_actor", Long.toHexString(ctx.keyspace().actorId()));
        field(sb, "io_threads", ctx.server().ioThreads());
        field(sb, "transport", ctx.server().transport());
        field(sb, "monitors", ctx.server().monitors());
    }
}
