/**
 * Storage engines: the {@link kvstore.storage.Engine} contract, the heap-only
 * {@link kvstore.storage.MemoryEngine}, and {@link kvstore.storage.LsmEngine}, a log-structured merge
 * tree that keeps a node's data on disk.
 *
 * <h2>LSM design</h2>
 * <ul>
 *   <li><b>Commit log</b> ({@link kvstore.storage.CommitLog}): segmented, CRC32C per record, group
 *       commit on one thread; {@code appendfsync always|everysec|no}. Replay cuts a torn tail and
 *       reports corruption in the middle with file and offset.</li>
 *   <li><b>Memtable</b> ({@link kvstore.storage.Memtable}): a B+tree
 *       ({@link kvstore.storage.CellTree}: leaves changed in place under a sequence lock, inner nodes
 *       copied on write, lock-free readers) of encoded values ordered by unsigned key bytes for walks
 *       and flushes, plus an open-addressing hash index ({@link kvstore.storage.CellIndex}) for
 *       point reads, whose hits cost three cache misses (slot, cell, key-and-value array); frozen at
 *       {@code memtableSize} together with a log segment switch, flushed by a background thread to a
 *       level-0 table. Writers are held back
 *       (bounded) when frozen memtables or level-0 tables pile up; they never fail for that.</li>
 *   <li><b>SSTables</b> ({@link kvstore.storage.TableWriter} documents the layout,
 *       {@link kvstore.storage.SSTable} reads it): prefix-compressed checksummed blocks with a
 *       restart point (a full key) every 16 entries, which a point read binary-searches so that it
 *       decodes at most 16 entries of a block; a sparse index of first keys, a bloom filter, a fixed
 *       footer; large values out of line. Read through memory maps (1 GB chunks) with reference
 *       counting through {@link kvstore.storage.TableSet}.</li>
 *   <li><b>Manifest</b> ({@link kvstore.storage.Manifest}): live tables per level and the first log
 *       segment still needed; replaced by write-fsync-rename-fsync(dir).</li>
 *   <li><b>Compaction</b> ({@link kvstore.storage.Compactor}): leveled.</li>
 * </ul>
 *
 * <h2>Why leveled compaction</h2>
 * Every Redis read is a point lookup or a short ordered scan, and the design requires read
 * amplification to stay bounded under a constant write load. With leveled compaction a lookup
 * touches at most the level-0 tables (bounded by {@code level0Stall}, usually {@code level0Trigger})
 * plus one table per deeper level, each guarded by a bloom filter; a scan merges the same bounded set
 * of runs; and space amplification stays near 1.1x because each level is one sorted run about ten
 * times the size of the one above, so an overwritten or deleted key costs little disk for long. The
 * price is write amplification (about the level multiplier per level), which the throughput limit
 * keeps from starving foreground requests. Tiered (size-tiered) compaction writes less but lets the
 * number of runs a read must consult, and the space held by overwritten data, grow with the data set,
 * which is the wrong trade for a Redis replacement whose workloads are read-heavy.
 *
 * <h2>Deletes</h2>
 * {@code Engine.remove} writes an engine-level tombstone; compaction drops it only when no deeper
 * level has a table whose key range covers the key (so no older value can reappear). Sibling sets that
 * the owner's {@link kvstore.storage.PurgePolicy} says may go are dropped under the same rule and
 * turned into engine tombstones otherwise.
 *
 * <h2>Unmapping</h2>
 * JDK 17 cannot unmap a {@code MappedByteBuffer} through a public API. Tables are unmapped right after
 * their last reference is released with {@code sun.misc.Unsafe.invokeCleaner}, found by reflection
 * (module jdk.unsupported; works on 17 through 25). Reference counting guarantees nobody reads the
 * buffer afterwards, which is the condition under which invokeCleaner is safe. If the method is not
 * available the buffers are left to the garbage collector, which is safe but returns address space
 * and (for deleted files) disk space later.
 *
 * <h2>Recovery</h2>
 * On open: a leftover {@code MANIFEST.tmp} is ignored, tables the manifest does not name are deleted
 * (a crash mid-flush or mid-compaction), a named table that is missing or fails its footer, index or
 * bloom checks stops the open with a {@link kvstore.storage.StorageException} naming the file, log
 * segments from the manifest's {@code log-start} are replayed in order into the memtable, and a
 * {@code LOCK} file keeps a second engine out of the directory. Replay holds the replayed writes in one
 * memtable, which is bounded by what was not flushed before the crash (normally at most
 * {@code maxFrozenMemtables + 1} memtables).
 *
 * <h2>Benchmark</h2>
 * {@code src/test/java/kvstore/storage/bench/LsmBenchmark.java} compares this engine with RocksDB
 * (test scope only); its Javadoc has the command line.
 *
 * <h2>Open cursors</h2>
 * A cursor from {@code range} holds its tables until {@code close()}; an unclosed cursor keeps
 * replaced tables mapped and on disk.
 */
package kvstore.storage;
