package kvstore;

import kvstore.config.Config;
import kvstore.keyspace.DatabaseMap;
import kvstore.storage.DurableFiles;
import kvstore.storage.Engine;
import kvstore.storage.FsyncPolicy;
import kvstore.storage.LsmEngine;
import kvstore.storage.LsmOptions;
import kvstore.storage.MemoryEngine;
import kvstore.storage.PurgePolicy;

import kvstore.version.SiblingSet;
import kvstore.version.Version;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Opens the node's storage as the config says ({@code engine lsm|memory}) and the actor id that goes
 * with its data. The LSM engine lives in {@code <dir>/engine}; the actor id in {@code <dir>/actor}.
 * The database map of SWAPDB ({@link DatabaseMap}) lives in {@code <dir>/databases}.
 * An actor id is never reused for other data: when the engine directory starts empty (a new node, or
 * one whose data was wiped) the node takes a new random actor id, so its new writes can never be
 * mistaken for the lost ones (Riak's KV679 lesson).
 */
final class NodeStorage {
    private final Engine engine;
    private final long actor;
    private final boolean keptData;
    private final DatabaseMap databases;
    /** A ring's purge rule, known only once the ring is built; nothing is purged until then. */
    private final AtomicReference<PurgePolicy> ringPurge;

    private NodeStorage(Engine engine, long actor, boolean keptData, DatabaseMap databases,
                        AtomicReference<PurgePolicy> ringPurge) {
        this.engine = engine;
        this.actor = actor;
        this.keptData = keptData;
        this.databases = databases;
        this.ringPurge = ringPurge;
    }

    /** Installs a ring's purge rule (see ClusterNode#purgePolicy). */
    void setRingPurge(PurgePolicy policy) {
        ringPurge.set(policy);
    }

    static NodeStorage open(Config config, boolean ring) throws IOException {
        Path dir = Path.of(config.get("dir"));
        Files.createDirectories(dir);
        if (config.get("engine").equals("memory")) {
            return new NodeStorage(new MemoryEngine(), newActor(), false, DatabaseMap.inMemory(config.getInt("databases")),
                    new AtomicReference<>(PurgePolicy.NEVER));
        }
        Path engineDir = dir.resolve("engine");
        boolean fresh = isEmpty(engineDir);
        long actor = fresh ? writeActor(dir.resolve("actor"), newActor()) : readActor(dir.resolve("actor"));
        AtomicReference<PurgePolicy> ringPurge = new AtomicReference<>(PurgePolicy.NEVER);
        LsmOptions options = LsmOptions.defaults()
                .withMemtableSize(config.getLong("memtable-size"))
                .withFsync(FsyncPolicy.parse(config.get("appendfsync")))
                .withCompactionBytesPerSec(config.getLong("compaction-throughput"))
                .withSkipCorruptLog(config.getBool("commitlog-skip-corrupt"))
                .withPurgePolicy(ring ? (key, set) -> ringPurge.get().canPurge(key, set) : expiredPastGrace(config));
        LsmEngine lsm = new LsmEngine(engineDir, options);
        config.onChange("appendfsync", v -> lsm.setFsync(FsyncPolicy.parse(v)));
        DatabaseMap databases = DatabaseMap.open(dir.resolve("databases"), config.getInt("databases"), !fresh);
        return new NodeStorage(lsm, actor, !fresh, databases, ringPurge);
    }

    /**
     * On a single node a deleted key is already gone from the engine (it keeps only its own internal
     * tombstone), so what compaction may drop is a value whose every version expired more than
     * purge-grace-period seconds ago. A ring supplies its own rule once built ({@link #setRingPurge}).
     */
    private static PurgePolicy expiredPastGrace(Config config) {
        return (key, set) -> {
            long cutoff = System.currentTimeMillis() - config.getLong("purge-grace-period") * 1000;
            return allExpiredBefore(set, cutoff);
        };
    }

    static boolean allExpiredBefore(SiblingSet set, long cutoff) {
        for (Version v : set.versions()) {
            if (!v.isTombstone() && (v.expireAt() == Version.NO_EXPIRY || v.expireAt() > cutoff)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static long newActor() {
        return new SecureRandom().nextLong() & Long.MAX_VALUE;
    }

    /** Durably: a node that crashed right after its first writes must find the actor that made them. */
    private static long writeActor(Path file, long actor) throws IOException {
        DurableFiles.replace(file, (actor + "\n").getBytes(StandardCharsets.US_ASCII));
        return actor;
    }

    private static long readActor(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + " is missing although the engine holds data: restore it, or wipe "
                    + file.resolveSibling("engine") + " to start this node afresh with a new actor id");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold an actor id: '" + text + "'");
        }
    }

    Engine engine() {
        return engine;
    }

    long actor() {
        return actor;
    }

    /** Which stored database each database index names (SWAPDB), kept with the engine's data. */
    DatabaseMap databases() {
        return databases;
    }

    /** True when the engine already held data from an earlier run (counters must be rebuilt). */
    boolean keptData() {
        return keptData;
    }
}
