package kvstore.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes one SSTable ({@code <20-digit number>.sst}); keys must be added in strictly increasing
 * unsigned order. All integers are big-endian; varints are unsigned LEB128.
 *
 * <pre>
 * file    := (data block | blob)* index bloom footer
 *
 * data block (about blockSize bytes including its restart array; a block holding one large inline value
 * may be larger), one of two types told apart by the first byte:
 *   1        block type: 0x02 = prefix-compressed with restart points (written since restarts were
 *            added), 0x01 = prefix-compressed without restarts (older tables; still read)
 *   entries, each:
 *     varint   shared: bytes shared with the previous key of the block (0 for the first entry and,
 *              in a 0x02 block, for every restart entry)
 *     varint   unshared length u
 *     u        key suffix
 *     1        kind: 0x00 = inline value, 0x01 = engine tombstone, 0x02 = value out of line (blob)
 *     kind 0:  varint value length, value bytes (SiblingSetCodec bytes)
 *     kind 2:  varlong blob offset, varint blob length
 *   type 0x02 only:
 *     r * 4    restart offsets: position (from the type byte) of entries 0, K, 2K, ... of the block,
 *              each stored with shared = 0 so its full key can be read without the entries before it
 *              (K = RESTART_INTERVAL = 16)
 *     4        restart count r (at least 1)
 *   4        CRC32C of the block from the type byte up to here
 *
 *   A lookup binary-searches the restart keys for the last one <= the key it wants and decodes at
 *   most K entries from there, instead of half the block on average; a restart every 16 entries
 *   costs 4 bytes plus the prefix it cannot share, a few percent of a 4 KB block.
 *
 * blob (values of BLOB_THRESHOLD bytes or more, written before the block that points at them):
 *   n        value bytes
 *   4        CRC32C of the value bytes
 *
 * index:
 *   varint   block count b
 *   b times: varint key length, first key of the block, varlong block offset, varint block length
 *            (including its CRC)
 *   varint   last key length, last key of the table
 *   varlong  entry count
 *   4        CRC32C of the index bytes before it
 *
 * bloom:
 *   1        probes k
 *   varint   number of 64-bit words w
 *   w * 8    words, little-endian bit order within a word (bit i of the filter = word i/64, bit i%64)
 *   4        CRC32C of the bloom bytes before it
 *
 * footer (FOOTER_SIZE = 40 bytes, at the end of the file):
 *   8  index offset     4  index length (with CRC)
 *   8  bloom offset     4  bloom length (with CRC)
 *   4  format version (1)
 *   4  CRC32C of the 28 footer bytes before it
 *   8  magic 0x6B7673746F726531 ("kvstore1")
 * </pre>
 *
 * The file is written to its final name, fsynced at {@link #finish()}; it becomes live only when the
 * manifest names it, so a crash mid-write leaves an unlisted file that the next open deletes.
 */
final class TableWriter implements Closeable {
    static final long MAGIC = 0x6B7673746F726531L;
    static final int FORMAT_VERSION = 1;
    static final int FOOTER_SIZE = 40;
    /** Block type of tables written before restart points: entries only, a lookup scans from the start. */
    static final int BLOCK_PREFIX = 0x01;
    /** Block type written now: entries, restart offsets and their count. */
    static final int BLOCK_RESTARTS = 0x02;
    static final int RESTART_INTERVAL = 16;
    static final int KIND_VALUE = 0x00;
    static final int KIND_TOMBSTONE = 0x01;
    static final int KIND_BLOB = 0x02;
    static final int BLOB_THRESHOLD = 64 * 1024;

    private final Path path;
    private final FileChannel ch;
    private final int blockSize;
    private final int bitsPerKey;
    private final RateLimiter limiter;
    private final ByteSink block;
    private int[] restarts = new int[64];
    private int restartCount;
    private int blockEntries;
    private final ByteSink index = new ByteSink(4096);
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
    private long[] hashes = new long[1024];
    private int count;
    private int blocks;
    private long offset;
    private byte[] lastKey;
    private byte[] blockFirstKey;
    private byte[] firstKey;
    private boolean done;

    TableWriter(Path path, int blockSize, int bitsPerKey, RateLimiter limiter) throws IOException {
        this.path = path;
        this.blockSize = blockSize;
        this.bitsPerKey = bitsPerKey;
        this.limiter = limiter;
        this.block = new ByteSink(blockSize + 1024);
        this.ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    static Path tablePath(Path dir, long number) {
        return dir.resolve(String.format("%020d.sst", number));
    }

    /** The table number in a file name, or -1 if it is not a table file. */
    static long tableNumber(String fileName) {
        if (!fileName.endsWith(".sst") || fileName.length() != 24) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    long entries() {
        return count;
    }

    /** Bytes written so far (approximate size of the finished table). */
    long bytesWritten() {
        return offset + out.position() + block.size();
    }

    /** Adds an entry; {@code value} is an encoded sibling set or {@link InternalIterator#TOMBSTONE}. */
    void add(byte[] key, byte[] value) throws IOException {
        if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
            throw new IllegalArgumentException("keys out of order in table writer");
        }
        if (count == hashes.length) {
            hashes = Arrays.copyOf(hashes, count * 2);
        }
        hashes[count++] = BloomFilter.hash(key);
        if (firstKey == null) {
            firstKey = key;
        }
        long blobOffset = -1;
        boolean tombstone = InternalIterator.isTombstone(value);
        if (!tombstone && value.length >= BLOB_THRESHOLD) {
            blobOffset = offset + out.position();
            crc.reset();
            crc.update(value, 0, value.length);
            put(value, 0, value.length);
            putInt((int) crc.getValue());
        }
        if (block.size() == 0) {
            block.u8(BLOCK_RESTARTS);
            blockFirstKey = key;
        }
        int shared = 0;
        if (blockEntries % RESTART_INTERVAL == 0) {
            if (restartCount == restarts.length) {
                restarts = Arrays.copyOf(restarts, restartCount * 2);
            }
            restarts[restartCount++] = block.size();
        } else {
            int max = Math.min(lastKey.length, key.length);
            int mismatch = Arrays.mismatch(lastKey, 0, max, key, 0, max);
            shared = mismatch < 0 ? max : mismatch;
        }
        blockEntries++;
        block.varLong(shared);
        block.varLong(key.length - shared);
        block.bytes(key, shared, key.length - shared);
        if (tombstone) {
            block.u8(KIND_TOMBSTONE);
        } else if (blobOffset >= 0) {
            block.u8(KIND_BLOB);
            block.varLong(blobOffset);
            block.varLong(value.length);
        } else {
            block.u8(KIND_VALUE);
            block.varLong(value.length);
            block.bytes(value, 0, value.length);
        }
        lastKey = key;
        // the restart array and count will follow the entries: count them toward the block size
        if (block.size() + 4 * restartCount + 4 >= blockSize) {
            finishBlock();
        }
    }

    private void finishBlock() throws IOException {
        if (block.size() == 0) {
            return;
        }
        for (int i = 0; i < restartCount; i++) {
            block.u32(restarts[i]);
        }
        block.u32(restartCount);
        restartCount = 0;
        blockEntries = 0;
        crc.reset();
        crc.update(block.array(), 0, block.size());
        block.u32((int) crc.getValue());
        long blockOffset = offset + out.position();
        index.varLong(blockFirstKey.length);
        index.bytes(blockFirstKey, 0, blockFirstKey.length);
        index.varLong(blockOffset);
        index.varLong(block.size());
        blocks++;
        put(block.array(), 0, block.size());
        block.reset();
    }

    /** Completes the file and forces it to disk; returns its size in bytes. */
    long finish() throws IOException {
        finishBlock();
        ByteSink idx = new ByteSink(index.size() + 64);
        idx.varLong(blocks);
        idx.bytes(index.array(), 0, index.size());
        byte[] last = lastKey == null ? new byte[0] : lastKey;
        idx.varLong(last.length);
        idx.bytes(last, 0, last.length);
        idx.varLong(count);
        crc.reset();
        crc.update(idx.array(), 0, idx.size());
        idx.u32((int) crc.getValue());
        long indexOffset = offset + out.position();
        put(idx.array(), 0, idx.size());

        BloomFilter bloom = BloomFilter.build(hashes, count, bitsPerKey);
        long[] words = bloom.words();
        ByteSink bl = new ByteSink(words.length * 8 + 16);
        bl.u8(bloom.probes());
        bl.varLong(words.length);
        for (long w : words) {
            bl.u64(Long.reverseBytes(w));
        }
        crc.reset();
        crc.update(bl.array(), 0, bl.size());
        bl.u32((int) crc.getValue());
        long bloomOffset = offset + out.position();
        put(bl.array(), 0, bl.size());

        ByteSink f = new ByteSink(FOOTER_SIZE);
        f.u64(indexOffset);
        f.u32(idx.size());
        f.u64(bloomOffset);
        f.u32(bl.size());
        f.u32(FORMAT_VERSION);
        crc.reset();
        crc.update(f.array(), 0, f.size());
        f.u32((int) crc.getValue());
        f.u64(MAGIC);
        put(f.array(), 0, f.size());
        flushOut();
        ch.force(true);
        ch.close();
        done = true;
        return offset;
    }

    byte[] firstKey() {
        return firstKey;
    }

    byte[] lastKey() {
        return lastKey;
    }

    private void putInt(int v) throws IOException {
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        put(b, 0, 4);
    }

    private void put(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!out.hasRemaining()) {
                flushOut();
            }
            int n = Math.min(len, out.remaining());
            out.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void flushOut() throws IOException {
        out.flip();
        int n = out.remaining();
        IoUtil.writeFully(ch, out);
        offset += n;
        out.clear();
        if (limiter != null) {
            limiter.acquire(n);
        }
    }

    /** Abandons an unfinished table and deletes its file. */
    @Override
    public void close() {
        if (!done) {
            try {
                ch.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // best effort: an unlisted table file is removed at the next open anyway
            }
        }
    }
}
