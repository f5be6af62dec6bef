package kvstore.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a table in the layout kvstore used before restart points: data blocks of type 0x01 (every
 * key prefix-compressed against the one before it, no restart array), with the same blobs, index,
 * bloom filter and version-1 footer as today. Built from the format description in
 * {@link TableWriter}, independently of its code, so the tests can check that tables written by
 * older versions stay readable.
 */
final class LegacyTableWriter {
    private LegacyTableWriter() {
    }

    /** Writes {@code entries} ({key, value} pairs in increasing key order) to {@code path}. */
    static void write(Path path, int blockSize, List<byte[][]> entries) throws IOException {
        ByteSink file = new ByteSink(1 << 16);
        ByteSink block = new ByteSink(blockSize + 1024);
        ByteSink index = new ByteSink(4096);
        long[] hashes = new long[entries.size()];
        int blocks = 0;
        byte[] prev = null;
        byte[] blockFirst = null;
        for (int i = 0; i < entries.size(); i++) {
            byte[] key = entries.get(i)[0];
            byte[] value = entries.get(i)[1];
            hashes[i] = BloomFilter.hash(key);
            boolean tombstone = InternalIterator.isTombstone(value);
            long blob = -1;
            if (!tombstone && value.length >= TableWriter.BLOB_THRESHOLD) {
                blob = file.size();
                file.bytes(value, 0, value.length);
                file.u32(crc(value, 0, value.length));
            }
            int shared = 0;
            if (block.size() == 0) {
                block.u8(TableWriter.BLOCK_PREFIX);
                blockFirst = key;
            } else {
                int max = Math.min(prev.length, key.length);
                int m = Arrays.mismatch(prev, 0, max, key, 0, max);
                shared = m < 0 ? max : m;
            }
            block.varLong(shared);
            block.varLong(key.length - shared);
            block.bytes(key, shared, key.length - shared);
            if (tombstone) {
                block.u8(TableWriter.KIND_TOMBSTONE);
            } else if (blob >= 0) {
                block.u8(TableWriter.KIND_BLOB);
                block.varLong(blob);
                block.varLong(value.length);
            } else {
                block.u8(TableWriter.KIND_VALUE);
                block.varLong(value.length);
                block.bytes(value, 0, value.length);
            }
            prev = key;
            if (block.size() >= blockSize || i == entries.size() - 1) {
                block.u32(crc(block.array(), 0, block.size()));
                index.varLong(blockFirst.length);
                index.bytes(blockFirst, 0, blockFirst.length);
                index.varLong(file.size());
                index.varLong(block.size());
                file.bytes(block.array(), 0, block.size());
                block.reset();
                blocks++;
            }
        }
        long indexOffset = file.size();
        file.varLong(blocks);
        file.bytes(index.array(), 0, index.size());
        byte[] last = prev == null ? new byte[0] : prev;
        file.varLong(last.length);
        file.bytes(last, 0, last.length);
        file.varLong(entries.size());
        file.u32(crc(file.array(), (int) indexOffset, file.size() - (int) indexOffset));
        int indexLen = file.size() - (int) indexOffset;

        long bloomOffset = file.size();
        BloomFilter bloom = BloomFilter.build(hashes, hashes.length, 10);
        file.u8(bloom.probes());
        file.varLong(bloom.words().length);
        for (long w : bloom.words()) {
            file.u64(Long.reverseBytes(w));
        }
        file.u32(crc(file.array(), (int) bloomOffset, file.size() - (int) bloomOffset));
        int bloomLen = file.size() - (int) bloomOffset;

        int footerAt = file.size();
        file.u64(indexOffset);
        file.u32(indexLen);
        file.u64(bloomOffset);
        file.u32(bloomLen);
        file.u32(1);
        file.u32(crc(file.array(), footerAt, 28));
        file.u64(TableWriter.MAGIC);
        Files.write(path, Arrays.copyOf(file.array(), file.size()));
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
