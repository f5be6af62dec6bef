package kvstore.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The commit log: append-only segment files {@code log-<20-digit number>.log} in the engine directory.
 *
 * <p>A segment is a plain sequence of records, with no file header:
 * <pre>
 *   offset  size  field
 *   0       4     payload length n, big-endian (2 .. 2^31-1)
 *   4       4     CRC32C of the n payload bytes, big-endian
 *   8       n     payload:
 *                   1       op: 0x01 = put, 0x02 = remove (explicit ids, never ordinals)
 *                   varint  key length k (unsigned LEB128)
 *                   k       key bytes
 *                   rest    put: the value (SiblingSetCodec bytes, never empty); remove: nothing
 * </pre>
 *
 * <p>Writers append under the engine's write lock (one write(2) per record, so with {@code everysec}
 * and {@code no} a returned write has reached the OS, as in Redis). One log thread does the fsyncs:
 * with {@code always}, writers wait on a ticket (the log's byte count after their record) and the
 * thread forces the file once for everything written since its last fsync (group commit: one fsync
 * covers every writer that was waiting, never one fsync per record); with {@code everysec} it forces
 * once a second; with {@code no} never (only {@link #sync()} and rotation force).
 *
 * <p>Replay ({@link #replay}) reads a segment record by record. A record that is incomplete or fails
 * its checksum, with no valid record after it, is a torn tail: the caller cuts the file there. A bad
 * record followed by a valid one is corruption in the middle, reported with file and offset (or
 * skipped when the engine is told to).
 */
final class CommitLog implements Closeable {
    static final byte OP_PUT = 0x01;
    static final byte OP_REMOVE = 0x02;
    static final int HEADER = 8;
    /** Segments never pass 1 GB plus one record, so a whole segment fits one mapping on replay. */
    static final long MAX_SEGMENT = 1L << 30;

    private static final Logger log = LoggerFactory.getLogger(CommitLog.class);

    private final Path dir;
    private volatile FsyncPolicy policy;
    private final long segmentSize;
    private final Object rotateLock = new Object();
    private final Object monitor = new Object();
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer header = ByteBuffer.allocate(HEADER + 6);
    /**
     * Records appended but not yet handed to the OS. Writers fill it; it is written out by
     * {@link #writeBuffered} (the server calls it once per batch of requests, before any of their replies
     * leave, as Redis writes its AOF buffer before replying), when it fills, and before every fsync.
     */
    private final ByteBuffer buffered = ByteBuffer.allocateDirect(BUFFER);
    private final Thread syncer;

    private volatile FileChannel channel;
    private volatile long segment;
    private long segmentBytes;
    /** Bytes appended since open; a writer's ticket. Written under the caller's lock. */
    private volatile long written;
    private long requested;
    private long synced;
    private volatile long lastFsyncMillis;
    private volatile IOException failure;
    private volatile boolean closed;

    private static final int BUFFER = 1 << 20;

    CommitLog(Path dir, FsyncPolicy policy, long segmentSize, long firstSegment) throws IOException {
        this.dir = dir;
        this.policy = policy;
        this.segmentSize = Math.min(segmentSize, MAX_SEGMENT);
        this.segment = firstSegment;
        this.channel = openSegment(firstSegment);
        IoUtil.fsyncDir(dir);
        // started for every policy, since CONFIG SET appendfsync may change the policy at run time
        syncer = new Thread(this::syncLoop, "kvstore-commitlog");
        syncer.setDaemon(true);
        syncer.start();
    }

    /** Changes the fsync policy at run time; writers waiting under {@code always} are still served. */
    void setPolicy(FsyncPolicy newPolicy) {
        policy = newPolicy;
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    static Path segmentPath(Path dir, long number) {
        return dir.resolve(String.format("log-%020d.log", number));
    }

    /** The segment number in a file name, or -1 if the name is not a log segment. */
    static long segmentNumber(String fileName) {
        if (!fileName.startsWith("log-") || !fileName.endsWith(".log") || fileName.length() != 28) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(4, 24));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private FileChannel openSegment(long number) throws IOException {
        FileChannel ch = FileChannel.open(segmentPath(dir, number), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        segmentBytes = 0;
        return ch;
    }

    long currentSegment() {
        return segment;
    }

    long segmentBytes() {
        return segmentBytes;
    }

    /** Hands every buffered record to the OS (one write call), so a process crash cannot lose them. */
    synchronized void writeBuffered() {
        try {
            writeBufferedLocked();
        } catch (IOException e) {
            failure = e;
            throw new UncheckedIOException("commit log write failed in " + segmentPath(dir, segment), e);
        }
    }

    private void writeBufferedLocked() throws IOException {
        if (buffered.position() == 0) {
            return;
        }
        buffered.flip();
        try {
            IoUtil.writeFully(channel, buffered);
        } finally {
            buffered.clear();
        }
    }

    boolean segmentFull() {
        return segmentBytes >= segmentSize;
    }

    /**
     * Appends one record; the caller serialises appends. Returns the ticket to pass to
     * {@link #awaitDurable}.
     */
    synchronized long append(byte op, byte[] key, byte[] value) {
        checkFailure();
        int valueLen = value == null ? 0 : value.length;
        header.clear();
        header.position(HEADER);
        header.put(op);
        putVarInt(header, key.length);
        int headLen = header.position() - HEADER;
        long payload = (long) headLen + key.length + valueLen;
        if (payload > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("record too large: " + payload);
        }
        crc.reset();
        crc.update(header.array(), HEADER, headLen);
        crc.update(key, 0, key.length);
        if (valueLen > 0) {
            crc.update(value, 0, valueLen);
        }
        header.putInt(0, (int) payload);
        header.putInt(4, (int) crc.getValue());
        try {
            FileChannel ch = channel;
            if (HEADER + payload > buffered.remaining()) {
                writeBufferedLocked();
            }
            if (HEADER + payload <= buffered.remaining()) {
                buffered.put(header.array(), 0, HEADER + headLen).put(key);
                if (valueLen > 0) {
                    buffered.put(value);
                }
            } else {
                IoUtil.writeFully(ch, header.array(), 0, HEADER + headLen);
                IoUtil.writeFully(ch, key, 0, key.length);
                if (valueLen > 0) {
                    IoUtil.writeFully(ch, value, 0, valueLen);
                }
            }
        } catch (IOException e) {
            failure = e;
            throw new UncheckedIOException("commit log write failed in " + segmentPath(dir, segment), e);
        }
        segmentBytes += HEADER + payload;
        long ticket = written + HEADER + payload;
        written = ticket;
        return ticket;
    }

    /** With {@code always}, blocks until the fsync covering {@code ticket} is done; otherwise returns at once. */
    void awaitDurable(long ticket) {
        if (policy != FsyncPolicy.ALWAYS) {
            return;
        }
        synchronized (monitor) {
            if (requested < ticket) {
                requested = ticket;
                monitor.notifyAll();
            }
            boolean interrupted = false;
            while (synced < ticket) {
                checkFailure();
                if (closed) {
                    throw new IllegalStateException("commit log closed");
                }
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Forces the current segment and starts segment {@code next}; the caller holds the engine's write
     * lock, so every later record lands in the new segment.
     */
    synchronized void rotate(long next) {
        synchronized (rotateLock) {
            try {
                writeBufferedLocked();
                FileChannel old = channel;
                old.force(false);
                channel = openSegment(next);
                segment = next;
                IoUtil.fsyncDir(dir);
                old.close();
                markSynced(written);
            } catch (IOException e) {
                failure = e;
                throw new UncheckedIOException("commit log rotation failed", e);
            }
        }
    }

    /** Forces everything written so far. */
    void sync() {
        try {
            forceNow();
        } catch (IOException e) {
            failure = e;
            throw new UncheckedIOException("commit log fsync failed", e);
        }
    }

    long lastFsyncMillis() {
        return lastFsyncMillis;
    }

    private void forceNow() throws IOException {
        long target;
        synchronized (this) {
            if (closed) {
                return;
            }
            writeBufferedLocked();
            target = written;
        }
        synchronized (rotateLock) {
            if (closed) {
                return;
            }
            channel.force(false);
        }
        markSynced(target);
    }

    private void markSynced(long target) {
        lastFsyncMillis = System.currentTimeMillis();
        synchronized (monitor) {
            if (target > synced) {
                synced = target;
            }
            monitor.notifyAll();
        }
    }

    private void syncLoop() {
        long lastForced = -1;
        try {
            while (!closed) {
                FsyncPolicy p = policy;
                if (p == FsyncPolicy.ALWAYS) {
                    synchronized (monitor) {
                        while (requested <= synced && !closed && policy == FsyncPolicy.ALWAYS) {
                            monitor.wait(1000);
                        }
                    }
                } else {
                    Thread.sleep(1000);
                    boolean waiters;
                    synchronized (monitor) {
                        waiters = requested > synced;
                    }
                    if (p == FsyncPolicy.NO && !waiters) {
                        writeBuffered(); // no fsync, but nothing stays in the process longer than a second
                        continue;
                    }
                    if (written == lastForced) {
                        continue;
                    }
                    lastForced = written;
                }
                if (!closed) {
                    forceNow();
                }
            }
        } catch (InterruptedException e) {
            // closing
        } catch (IOException e) {
            failure = e;
            log.error("commit log fsync failed; writes will fail", e);
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    private void checkFailure() {
        IOException f = failure;
        if (f != null) {
            throw new UncheckedIOException("commit log failed earlier", f);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                if (failure == null) {
                    forceNow();
                }
            } catch (IOException e) {
                log.warn("final commit log fsync failed", e);
            }
            closed = true;
            synchronized (monitor) {
                monitor.notifyAll();
            }
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("closing commit log", e);
            }
        }
        if (syncer != null) {
            syncer.interrupt();
            try {
                syncer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void putVarInt(ByteBuffer b, int v) {
        while ((v & ~0x7F) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    // ---------------------------------------------------------------- replay

    /** Receives replayed records in log order. */
    interface Sink {
        void accept(byte op, byte[] key, byte[] value);
    }

    /** Where a replay of one segment stopped. */
    record ReplayResult(long validBytes, long records, boolean tornTail) {
    }

    /**
     * Replays {@code file}. Corruption followed by a valid record in the same file throws
     * {@link LogCorruptionException} (or, with {@code skipCorrupt}, is skipped with a warning). A bad
     * tail is reported in the result ({@code tornTail}, {@code validBytes} = where to cut); the file
     * is not changed here.
     */
    static ReplayResult replay(Path file, boolean skipCorrupt, Sink sink) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return new ReplayResult(0, 0, false);
        }
        if (size > Integer.MAX_VALUE) {
            throw new LogCorruptionException(file, 0, "segment larger than 2 GB");
        }
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        try {
            int end = (int) size;
            int pos = 0;
            long records = 0;
            CRC32C crc = new CRC32C();
            while (pos < end) {
                int len = recordLength(map, pos, end, crc);
                if (len < 0) {
                    int next = findNextRecord(map, pos + 1, end, crc);
                    if (next < 0) {
                        return new ReplayResult(pos, records, true);
                    }
                    if (!skipCorrupt) {
                        throw new LogCorruptionException(file, pos,
                                "corrupt record followed by a valid record at offset " + next);
                    }
                    log.warn("skipping corrupt commit log bytes in {} from offset {} to {}", file, pos, next);
                    pos = next;
                    continue;
                }
                deliver(map, pos + HEADER, len, sink);
                records++;
                pos += HEADER + len;
            }
            return new ReplayResult(pos, records, false);
        } finally {
            IoUtil.unmap(map);
        }
    }

    /** True if {@code file} starts with at least one valid record. */
    static boolean hasValidRecord(Path file) throws IOException {
        long size = Files.size(file);
        if (size < HEADER + 2 || size > Integer.MAX_VALUE) {
            return false;
        }
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        try {
            return findNextRecord(map, 0, (int) size, new CRC32C()) >= 0;
        } finally {
            IoUtil.unmap(map);
        }
    }

    private static int findNextRecord(ByteBuffer map, int from, int end, CRC32C crc) {
        for (int p = from; p + HEADER + 2 <= end; p++) {
            if (recordLength(map, p, end, crc) >= 0) {
                return p;
            }
        }
        return -1;
    }

    /** The payload length of a valid record at {@code pos}, or -1. */
    private static int recordLength(ByteBuffer map, int pos, int end, CRC32C crc) {
        if (end - pos < HEADER + 2) {
            return -1;
        }
        int len = map.getInt(pos);
        if (len < 2 || len > end - pos - HEADER) {
            return -1;
        }
        int p = pos + HEADER;
        byte op = map.get(p);
        if (op != OP_PUT && op != OP_REMOVE) {
            return -1;
        }
        crc.reset();
        crc.update(map.slice(p, len));
        if ((int) crc.getValue() != map.getInt(pos + 4)) {
            return -1;
        }
        // structure check: the key length must fit, and only a put carries a value
        long keyLen = 0;
        int q = p + 1;
        for (int shift = 0; ; shift += 7) {
            if (q >= p + len || shift > 28) {
                return -1;
            }
            int b = map.get(q++) & 0xff;
            keyLen |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        long valueLen = (p + len) - q - keyLen;
        if (valueLen < 0 || (op == OP_PUT) != (valueLen > 0)) {
            return -1;
        }
        return len;
    }

    private static void deliver(ByteBuffer map, int p, int len, Sink sink) {
        byte op = map.get(p);
        int q = p + 1;
        int keyLen = 0;
        for (int shift = 0; ; shift += 7) {
            int b = map.get(q++) & 0xff;
            keyLen |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] key = new byte[keyLen];
        map.get(q, key);
        q += keyLen;
        int valueLen = p + len - q;
        byte[] value = null;
        if (op == OP_PUT) {
            value = new byte[valueLen];
            map.get(q, value);
        }
        sink.accept(op, key, value);
    }

    /** Cuts a torn tail: truncates {@code file} to {@code length} bytes and forces it. */
    static void truncate(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
            ch.force(true);
        }
    }
}
