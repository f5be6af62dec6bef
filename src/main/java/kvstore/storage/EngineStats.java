package kvstore.storage;

import java.util.List;

/**
 * A point-in-time view of an {@link LsmEngine} for INFO persistence.
 *
 * @param tablesPerLevel         number of SSTables in each level (index 0 = level 0)
 * @param bytesPerLevel          bytes of SSTables in each level
 * @param pendingCompactionBytes bytes beyond the level targets, i.e. what compaction still has to rewrite (estimate)
 * @param lastFsyncMillis        wall-clock time of the last commit-log fsync (0 = none yet)
 * @param writeStalls            writes that were held back because flushing or compaction lagged
 * @param memtableBytes          estimated bytes in the active and frozen memtables
 * @param frozenMemtables        memtables waiting to be flushed
 * @param flushes                memtables flushed since open
 * @param compactions            compactions finished since open
 * @param compactedBytes         bytes written by compactions since open
 */
public record EngineStats(List<Integer> tablesPerLevel, List<Long> bytesPerLevel, long pendingCompactionBytes,
                          long lastFsyncMillis, long writeStalls, long memtableBytes, int frozenMemtables,
                          long flushes, long compactions, long compactedBytes) {
}
