package kvstore.storage;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file mapped in chunks of at most 1 GB, so files past 2 GB (the limit of one
 * {@link MappedByteBuffer}) are read through several maps; a read that crosses a chunk border is
 * split. {@link #unmap()} releases the maps at once (see {@link IoUtil#unmap}); callers guarantee by
 * reference counting that nobody reads afterwards.
 */
final class MappedFile {
    static final int CHUNK_SHIFT = 30;
    private static final long CHUNK = 1L << CHUNK_SHIFT;

    private final Path path;
    private final long size;
    private final MappedByteBuffer[] maps;

    MappedFile(Path path) throws IOException {
        this.path = path;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
            int n = (int) ((size + CHUNK - 1) / CHUNK);
            maps = new MappedByteBuffer[n];
            for (int i = 0; i < n; i++) {
                long start = i * CHUNK;
                maps[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.min(CHUNK, size - start));
            }
        }
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** Copies {@code len} bytes at file offset {@code pos} into {@code dst}. */
    void read(long pos, byte[] dst, int off, int len) {
        if (pos < 0 || len < 0 || pos + len > size) {
            throw new StorageException("read of " + len + " bytes at " + pos + " beyond the end of " + path
                    + " (" + size + " bytes)");
        }
        while (len > 0) {
            int chunk = (int) (pos >>> CHUNK_SHIFT);
            int inChunk = (int) (pos & (CHUNK - 1));
            int n = Math.min(len, maps[chunk].capacity() - inChunk);
            maps[chunk].get(inChunk, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** The bytes at {@code pos}: a view of the map when they lie in one chunk, else a copy. */
    java.nio.ByteBuffer slice(long pos, int len) {
        if (pos < 0 || len < 0 || pos + len > size) {
            throw new StorageException("read of " + len + " bytes at " + pos + " beyond the end of " + path
                    + " (" + size + " bytes)");
        }
        int chunk = (int) (pos >>> CHUNK_SHIFT);
        int inChunk = (int) (pos & (CHUNK - 1));
        if (inChunk + len <= maps[chunk].capacity()) {
            return maps[chunk].slice(inChunk, len);
        }
        return java.nio.ByteBuffer.wrap(read(pos, len));
    }

    byte[] read(long pos, int len) {
        byte[] b = new byte[len];
        read(pos, b, 0, len);
        return b;
    }

    void unmap() {
        for (MappedByteBuffer m : maps) {
            IoUtil.unmap(m);
        }
    }
}
