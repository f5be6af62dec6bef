package kvstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * An open, immutable SSTable (layout in {@link TableWriter}): the file is memory-mapped, the sparse
 * index and bloom filter are held on the heap, and every block and blob is checked against its
 * CRC32C when read, so a damaged table gives a {@link TableCorruptException}, never wrong data.
 *
 * <p>Lifetime: the table starts with one reference, owned by the engine's table set. Readers (a get,
 * an open cursor, a compaction) hold references through the table set they started from. When a
 * compaction replaces the table it is marked obsolete; when the last reference goes, the maps are
 * released at once (see {@link IoUtil#unmap}) and an obsolete file is deleted.
 */
final class SSTable {
    private final long number;
    private final MappedFile file;
    private final BlockIndex index;
    private final long[] blockOffsets;
    private final int[] blockLengths;
    private final byte[] firstKey;
    private final byte[] lastKey;
    private final long entries;
    private final BloomFilter bloom;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile boolean obsolete;

    private SSTable(long number, MappedFile file, byte[][] blockKeys, long[] blockOffsets, int[] blockLengths,
                    byte[] lastKey, long entries, BloomFilter bloom) {
        this.number = number;
        this.file = file;
        this.index = new BlockIndex(blockKeys);
        this.blockOffsets = blockOffsets;
        this.blockLengths = blockLengths;
        this.firstKey = blockKeys.length == 0 ? lastKey : blockKeys[0];
        this.lastKey = lastKey;
        this.entries = entries;
        this.bloom = bloom;
    }

    /** Opens a table and checks its footer, index and bloom filter. */
    static SSTable open(Path path, long number) {
        if (!Files.exists(path)) {
            throw new StorageException("table " + path + " is listed in the manifest but missing");
        }
        MappedFile file;
        try {
            file = new MappedFile(path);
        } catch (IOException e) {
            throw new StorageException("cannot open table " + path + ": " + e, e);
        }
        try {
            return read(path, number, file);
        } catch (RuntimeException e) {
            file.unmap();
            throw e;
        }
    }

    private static SSTable read(Path path, long number, MappedFile file) {
        long size = file.size();
        if (size < TableWriter.FOOTER_SIZE) {
            throw new TableCorruptException(path, 0, "file too short for a footer (" + size + " bytes)");
        }
        long footerAt = size - TableWriter.FOOTER_SIZE;
        byte[] footer = file.read(footerAt, TableWriter.FOOTER_SIZE);
        ByteSource f = new ByteSource(footer, 0, footer.length);
        long indexOffset = f.u64();
        int indexLen = f.u32();
        long bloomOffset = f.u64();
        int bloomLen = f.u32();
        int version = f.u32();
        int crc = f.u32();
        long magic = f.u64();
        if (magic != TableWriter.MAGIC) {
            throw new TableCorruptException(path, footerAt, "bad magic number");
        }
        if (crc != crc(footer, 0, 28)) {
            throw new TableCorruptException(path, footerAt, "footer checksum mismatch");
        }
        if (version != TableWriter.FORMAT_VERSION) {
            throw new TableCorruptException(path, footerAt, "unsupported table format version " + version);
        }
        if (indexOffset < 0 || indexLen < 4 || indexOffset + indexLen > footerAt
                || bloomOffset < 0 || bloomLen < 4 || bloomOffset + bloomLen > footerAt) {
            throw new TableCorruptException(path, footerAt, "footer offsets out of range");
        }
        byte[] idx = checked(path, file, indexOffset, indexLen);
        BloomFilter bloom;
        byte[][] keys;
        long[] offsets;
        int[] lengths;
        byte[] last;
        long entries;
        try {
            ByteSource in = new ByteSource(idx, 0, indexLen - 4);
            int blocks = in.varInt();
            keys = new byte[blocks][];
            offsets = new long[blocks];
            lengths = new int[blocks];
            for (int i = 0; i < blocks; i++) {
                keys[i] = in.bytes(in.varInt());
                offsets[i] = in.varLong();
                lengths[i] = in.varInt();
                if (offsets[i] < 0 || lengths[i] < 5 || offsets[i] + lengths[i] > indexOffset) {
                    throw new TableCorruptException(path, indexOffset, "index entry " + i + " out of range");
                }
            }
            last = in.bytes(in.varInt());
            entries = in.varLong();
            byte[] bl = checked(path, file, bloomOffset, bloomLen);
            ByteSource b = new ByteSource(bl, 0, bloomLen - 4);
            int probes = b.u8();
            int words = b.varInt();
            long[] w = new long[words];
            for (int i = 0; i < words; i++) {
                w[i] = Long.reverseBytes(b.u64());
            }
            if (words == 0 || probes < 1) {
                throw new TableCorruptException(path, bloomOffset, "empty bloom filter");
            }
            bloom = new BloomFilter(w, probes);
        } catch (IllegalStateException e) {
            throw new TableCorruptException(path, indexOffset, "malformed index or bloom filter: " + e.getMessage());
        }
        return new SSTable(number, file, keys, offsets, lengths, last, entries, bloom);
    }

    private static byte[] checked(Path path, MappedFile file, long offset, int len) {
        byte[] b = file.read(offset, len);
        int stored = ((b[len - 4] & 0xff) << 24) | ((b[len - 3] & 0xff) << 16) | ((b[len - 2] & 0xff) << 8)
                | (b[len - 1] & 0xff);
        if (stored != crc(b, 0, len - 4)) {
            throw new TableCorruptException(path, offset, "checksum mismatch");
        }
        return b;
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    long number() {
        return number;
    }

    Path path() {
        return file.path();
    }

    long fileSize() {
        return file.size();
    }

    long entries() {
        return entries;
    }

    /** True if the table's key range meets {@code [from, to)} (null bounds are open); see {@link #overlaps}. */
    boolean intersects(byte[] from, byte[] to) {
        return (from == null || Arrays.compareUnsigned(lastKey, from) >= 0)
                && (to == null || Arrays.compareUnsigned(firstKey, to) < 0);
    }

    byte[] firstKey() {
        return firstKey;
    }

    byte[] lastKey() {
        return lastKey;
    }

    boolean isEmpty() {
        return blockOffsets.length == 0;
    }

    long bloomBytes() {
        return bloom.memoryBytes();
    }

    /** True if the table's key range meets {@code [from, to]} (inclusive bounds on both sides). */
    boolean overlaps(byte[] from, byte[] to) {
        return !isEmpty() && Arrays.compareUnsigned(lastKey, from) >= 0 && Arrays.compareUnsigned(firstKey(), to) <= 0;
    }

    boolean covers(byte[] key) {
        return !isEmpty() && Arrays.compareUnsigned(firstKey(), key) <= 0 && Arrays.compareUnsigned(lastKey, key) >= 0;
    }

    /** False if this table certainly does not hold {@code key} (out of its range, or not in its bloom filter). */
    boolean mayContain(byte[] key, long hash) {
        return covers(key) && bloom.mayContain(hash);
    }

    // ------------------------------------------------------------ references

    boolean retain() {
        for (;;) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            file.unmap();
            if (obsolete) {
                try {
                    Files.deleteIfExists(file.path());
                } catch (IOException e) {
                    // an unlisted file is deleted at the next open
                }
            }
        }
    }

    void markObsolete() {
        obsolete = true;
    }

    // ------------------------------------------------------------ reads

    /**
     * The raw value stored for {@code key} ({@link InternalIterator#TOMBSTONE} for an engine
     * tombstone), or null if this table does not hold the key.
     */
    byte[] get(byte[] key, long hash) {
        if (!bloom.mayContain(hash)) {
            return null;
        }
        int b = index.floor(key);
        if (b < 0) {
            return null;
        }
        BlockReader r = new BlockReader(b, readBlock(b));
        r.seek(key);
        while (r.next()) {
            int c = Arrays.compareUnsigned(r.keyBuf, 0, r.keyLen, key, 0, key.length);
            if (c == 0) {
                return r.value();
            }
            if (c > 0) {
                return null;
            }
        }
        return null;
    }

    /**
     * Block {@code b}, checked against its CRC, as a buffer over the mapping itself (no copy) unless
     * the block straddles two maps.
     *
     * <p>The CRC is checked on every read on purpose. Remembering verified blocks (a bit per block)
     * made random point reads 10-15% slower in a table-level benchmark: the checksum streams the
     * whole block into the CPU cache with sequential, prefetched loads, and without it the lookup's
     * scattered reads (type byte, restart array, restart keys, entries) each wait for memory. The
     * same held through the server on 50 million keys ({@code bin/kvstore-larger-than-heap}): 13.6
     * and 16.0 us of CPU per GET checking every read, 19.0 and 16.6 remembering verified blocks.
     */
    private ByteBuffer readBlock(int b) {
        int len = blockLengths[b];
        ByteBuffer data = file.slice(blockOffsets[b], len);
        CRC32C c = new CRC32C();
        c.update(data.duplicate().limit(len - 4));
        if (data.getInt(len - 4) != (int) c.getValue()) {
            throw new TableCorruptException(file.path(), blockOffsets[b], "block checksum mismatch");
        }
        return data;
    }

    private byte[] readBlob(long offset, int len) {
        if (offset < 0 || offset + len + 4L > file.size()) {
            throw new TableCorruptException(file.path(), offset, "blob out of range");
        }
        byte[] value = file.read(offset, len);
        byte[] c = file.read(offset + len, 4);
        int stored = ((c[0] & 0xff) << 24) | ((c[1] & 0xff) << 16) | ((c[2] & 0xff) << 8) | (c[3] & 0xff);
        if (stored != crc(value, 0, len)) {
            throw new TableCorruptException(file.path(), offset, "blob checksum mismatch");
        }
        return value;
    }

    /**
     * Decodes the entries of one block in order, straight from the mapped bytes; {@link #seek} first
     * skips to the restart point at or before a key in blocks that have restart points.
     */
    private final class BlockReader {
        private final int block;
        private final ByteBuffer data;
        /** End of the entries: the restart array in a restart block, the CRC in an old one. */
        private final int end;
        private final int restartCount;
        private int pos = 1;
        byte[] keyBuf = new byte[64];
        int keyLen;
        private int kind;
        private int valuePos;
        private long blobOffset;
        private int valueLen;

        BlockReader(int block, ByteBuffer data) {
            this.block = block;
            this.data = data;
            int len = data.capacity();
            int type = data.get(0);
            if (type == TableWriter.BLOCK_RESTARTS) {
                int count = len >= 9 ? data.getInt(len - 8) : 0;
                long restartsAt = len - 8 - 4L * count;
                if (count < 1 || restartsAt < 1) {
                    throw corrupt("bad restart count " + count);
                }
                this.restartCount = count;
                this.end = (int) restartsAt;
            } else if (type == TableWriter.BLOCK_PREFIX) {
                this.restartCount = 0;
                this.end = len - 4;
            } else {
                throw corrupt("unknown block type " + type);
            }
        }

        private TableCorruptException corrupt(String why) {
            return new TableCorruptException(file.path(), blockOffsets[block], "malformed block: " + why);
        }

        /**
         * Positions the reader at the last restart point whose key is <= {@code key} (the first one if
         * none is), so that {@link #next} reaches {@code key}, or the first key after it, within
         * {@link TableWriter#RESTART_INTERVAL} entries. Does nothing in a block without restarts.
         */
        void seek(byte[] key) {
            if (restartCount <= 1) {
                return;
            }
            int lo = 1;
            int hi = restartCount - 1;
            int found = 0;
            try {
                while (lo <= hi) {
                    int mid = (lo + hi) >>> 1;
                    if (compareRestart(mid, key) <= 0) {
                        found = mid;
                        lo = mid + 1;
                    } else {
                        hi = mid - 1;
                    }
                }
            } catch (IllegalStateException | IndexOutOfBoundsException e) {
                throw corrupt(e.getMessage());
            }
            pos = restartOffset(found);
            keyLen = 0;
        }

        private int restartOffset(int i) {
            int off = data.getInt(end + 4 * i);
            if (off < 1 || off >= end) {
                throw corrupt("restart " + i + " out of range");
            }
            return off;
        }

        /** Compares the full key stored at restart {@code i} with {@code key}; moves {@code pos}. */
        private int compareRestart(int i, byte[] key) {
            pos = restartOffset(i);
            if (varInt() != 0) {
                throw new IllegalStateException("restart entry shares a prefix");
            }
            int n = varInt();
            need(n);
            if (n > keyBuf.length) {
                keyBuf = Arrays.copyOf(keyBuf, Math.max(keyBuf.length * 2, n));
            }
            data.get(pos, keyBuf, 0, n);
            return Arrays.compareUnsigned(keyBuf, 0, n, key, 0, key.length);
        }

        private long varLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalStateException("truncated varint");
                }
                int b = data.get(pos++);
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalStateException("varint too long");
        }

        private int varInt() {
            long v = varLong();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalStateException("length out of range");
            }
            return (int) v;
        }

        private void need(int n) {
            if (end - pos < n) {
                throw new IllegalStateException("entry runs past the block");
            }
        }

        boolean next() {
            if (pos >= end) {
                return false;
            }
            try {
                int shared = varInt();
                int unshared = varInt();
                if (shared > keyLen) {
                    throw new IllegalStateException("shared prefix beyond previous key");
                }
                need(unshared + 1);
                if (shared + unshared > keyBuf.length) {
                    keyBuf = Arrays.copyOf(keyBuf, Math.max(keyBuf.length * 2, shared + unshared));
                }
                data.get(pos, keyBuf, shared, unshared);
                pos += unshared;
                keyLen = shared + unshared;
                kind = data.get(pos++);
                if (kind == TableWriter.KIND_VALUE) {
                    valueLen = varInt();
                    need(valueLen);
                    valuePos = pos;
                    pos += valueLen;
                } else if (kind == TableWriter.KIND_BLOB) {
                    blobOffset = varLong();
                    valueLen = varInt();
                } else if (kind != TableWriter.KIND_TOMBSTONE) {
                    throw new IllegalStateException("unknown entry kind " + kind);
                }
                return true;
            } catch (IllegalStateException | IndexOutOfBoundsException e) {
                throw corrupt(e.getMessage());
            }
        }

        byte[] key() {
            return Arrays.copyOf(keyBuf, keyLen);
        }

        byte[] value() {
            if (kind == TableWriter.KIND_TOMBSTONE) {
                return InternalIterator.TOMBSTONE;
            }
            if (kind == TableWriter.KIND_BLOB) {
                return readBlob(blobOffset, valueLen);
            }
            byte[] v = new byte[valueLen];
            data.get(valuePos, v);
            return v;
        }
    }

    /** A walk over the table from the first key >= {@code from} (null = from the start). */
    InternalIterator iterator(byte[] from) {
        return new TableIterator(from, null);
    }

    /** A walk over the table's keys in {@code [from, to)}; null bounds are open. */
    InternalIterator iterator(byte[] from, byte[] to) {
        return new TableIterator(from, to);
    }

    private final class TableIterator implements InternalIterator {
        private final byte[] to;
        private int block;
        private BlockReader reader;
        private byte[] key;
        private byte[] value;

        TableIterator(byte[] from, byte[] to) {
            this.to = to;
            block = from == null ? 0 : Math.max(0, index.floor(from));
            reader = block < blockOffsets.length ? new BlockReader(block, readBlock(block)) : null;
            if (reader != null && from != null) {
                reader.seek(from);
            }
            advance();
            while (from != null && key != null && Arrays.compareUnsigned(key, from) < 0) {
                advance();
            }
        }

        private void advance() {
            while (reader != null) {
                if (reader.next()) {
                    key = reader.key();
                    value = null;
                    if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
                        reader = null;
                        break;
                    }
                    return;
                }
                block++;
                reader = block < blockOffsets.length ? new BlockReader(block, readBlock(block)) : null;
            }
            key = null;
            value = null;
        }

        @Override
        public boolean valid() {
            return key != null;
        }

        @Override
        public byte[] key() {
            return key;
        }

        @Override
        public byte[] value() {
            if (value == null) {
                value = reader.value();
            }
            return value;
        }

        @Override
        public void next() {
            advance();
        }
    }
}
