package kvstore.storage;

/**
 * Settings of an {@link LsmEngine}. Immutable; build with {@link #defaults()} and the {@code with}
 * methods.
 *
 * @param memtableSize          bytes (key + value estimate) at which the memtable is frozen and flushed
 * @param fsync                 commit-log fsync policy
 * @param blockSize             nominal SSTable data block size in bytes
 * @param bloomBitsPerKey       bloom filter bits per key (10 gives about 1% false positives)
 * @param level1Bytes           target size of level 1; each deeper level is {@code levelMultiplier} times larger
 * @param levelMultiplier       growth factor between levels
 * @param levels                number of levels including level 0 (the last one is the bottom)
 * @param level0Trigger         number of level-0 tables that starts a level-0 compaction
 * @param level0Stall           number of level-0 tables at which writers are slowed down
 * @param targetTableSize       compaction output tables are cut near this size
 * @param compactionBytesPerSec compaction write throughput limit, 0 = unlimited
 * @param maxFrozenMemtables    frozen memtables waiting for flush beyond which writers are slowed down
 * @param maxStallMillis        the longest a single write is held back when flushing or compaction lags
 * @param segmentSize           commit-log segment size at which a new segment is started (at most 1 GB)
 * @param skipCorruptLog        on replay, skip a corrupt record in the middle of the log instead of failing
 * @param purgePolicy           which stored sibling sets compaction may drop
 */
public record LsmOptions(long memtableSize, FsyncPolicy fsync, int blockSize, int bloomBitsPerKey,
                         long level1Bytes, int levelMultiplier, int levels, int level0Trigger, int level0Stall,
                         long targetTableSize, long compactionBytesPerSec, int maxFrozenMemtables,
                         long maxStallMillis, long segmentSize, boolean skipCorruptLog, PurgePolicy purgePolicy) {

    public LsmOptions {
        if (memtableSize < 1024 || blockSize < 256 || bloomBitsPerKey < 1 || level1Bytes < 1024
                || levelMultiplier < 2 || levels < 2 || level0Trigger < 1 || level0Stall < level0Trigger
                || targetTableSize < 1024 || compactionBytesPerSec < 0 || maxFrozenMemtables < 1
                || maxStallMillis < 0 || segmentSize < 1024 || segmentSize > CommitLog.MAX_SEGMENT || fsync == null || purgePolicy == null) {
            // (not "this": a compact constructor's fields are not assigned yet)
            throw new IllegalArgumentException("invalid LSM options: memtableSize=" + memtableSize + " fsync=" + fsync
                    + " blockSize=" + blockSize + " bloomBitsPerKey=" + bloomBitsPerKey + " level1Bytes=" + level1Bytes
                    + " levelMultiplier=" + levelMultiplier + " levels=" + levels + " level0Trigger=" + level0Trigger
                    + " level0Stall=" + level0Stall + " targetTableSize=" + targetTableSize
                    + " compactionBytesPerSec=" + compactionBytesPerSec + " maxFrozenMemtables=" + maxFrozenMemtables
                    + " maxStallMillis=" + maxStallMillis + " segmentSize=" + segmentSize + " purgePolicy=" + purgePolicy);
        }
    }

    public static LsmOptions defaults() {
        return new LsmOptions(64L << 20, FsyncPolicy.EVERYSEC, 4096, 10, 256L << 20, 10, 7, 4, 12,
                64L << 20, 0, 2, 1000, 128L << 20, false, PurgePolicy.NEVER);
    }

    public LsmOptions withMemtableSize(long v) {
        return new LsmOptions(v, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withFsync(FsyncPolicy v) {
        return new LsmOptions(memtableSize, v, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withBlockSize(int v) {
        return new LsmOptions(memtableSize, fsync, v, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withBloomBitsPerKey(int v) {
        return new LsmOptions(memtableSize, fsync, blockSize, v, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withLevels(long level1, int multiplier, int count) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1, multiplier, count,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withLevel0(int trigger, int stall) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                trigger, stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withTargetTableSize(long v) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, v, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withCompactionBytesPerSec(long v) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, v, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withMaxFrozenMemtables(int v) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, v,
                maxStallMillis, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withMaxStallMillis(long v) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                v, segmentSize, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withSegmentSize(long v) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, v, skipCorruptLog, purgePolicy);
    }

    public LsmOptions withSkipCorruptLog(boolean v) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, v, purgePolicy);
    }

    public LsmOptions withPurgePolicy(PurgePolicy v) {
        return new LsmOptions(memtableSize, fsync, blockSize, bloomBitsPerKey, level1Bytes, levelMultiplier, levels,
                level0Trigger, level0Stall, targetTableSize, compactionBytesPerSec, maxFrozenMemtables,
                maxStallMillis, segmentSize, skipCorruptLog, v);
    }
}
