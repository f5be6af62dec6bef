package kvstore.cluster;

import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The durable hints for one peer: writes it missed, kept until it acknowledged them.
 *
 * <p>{@code <target>.hints} is an append-only file of records, big-endian:
 * <pre>
 *   u32  body length
 *   u32  CRC32C of the body
 *   body: i64 time the hint was written (ms), i32 storage key length, storage key,
 *         the sibling set to merge ({@link SiblingSetCodec})
 * </pre>
 * {@code <target>.delivered} holds one i64: the offset up to which every record was acknowledged
 * (replaced atomically: write, fsync, rename). When everything is acknowledged both files go. On
 * open, a torn or corrupt tail (a crash mid-append) is cut and logged; records before it stand.
 * Not thread-safe: the caller synchronises.
 */
final class HintLog implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(HintLog.class);
    private static final int HEADER = 8;

    /** One hint and the file offset just after it. */
    record Hint(byte[] sk, SiblingSet set, long writtenAt, long end, int bytes) {
    }

    private final Path file;
    private final Path delivered;
    private FileChannel channel;
    private long size;
    private long done;
    private long readAt;
    private long pending;

    HintLog(Path dir, String target) throws IOException {
        this.file = dir.resolve(target + ".hints");
        this.delivered = dir.resolve(target + ".delivered");
        if (Files.exists(file)) {
            open();
        }
    }

    private void open() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        done = Files.exists(delivered) ? ByteBuffer.wrap(Files.readAllBytes(delivered)).getLong() : 0;
        long valid = 0;
        long count = 0;
        long at = 0;
        long length = channel.size();
        while (at < length) {
            int body = recordLength(at, length);
            if (body < 0) {
                log.warn("Cutting a torn or corrupt tail of {} at offset {} ({} bytes)", file, at, length - at);
                channel.truncate(at);
                break;
            }
            at += HEADER + body;
            valid = at;
            if (at > done) {
                count++;
            }
        }
        size = valid;
        done = Math.min(done, size);
        readAt = done;
        pending = count;
    }

    /** The body length of the record at {@code at} if it is whole and its checksum matches, else -1. */
    private int recordLength(long at, long length) throws IOException {
        if (length - at < HEADER) {
            return -1;
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        channel.read(h, at);
        int body = h.getInt(0);
        if (body <= 0 || body > length - at - HEADER) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.allocate(body);
        channel.read(b, at + HEADER);
        CRC32C crc = new CRC32C();
        crc.update(b.array());
        return (int) crc.getValue() == h.getInt(4) ? body : -1;
    }

    /** Appends a hint (to the OS; {@link #sync} makes it durable). */
    void append(byte[] sk, SiblingSet set, long now) throws IOException {
        if (channel == null) {
            open();
        }
        int body = 8 + 4 + sk.length + SiblingSetCodec.size(set);
        ByteBuffer b = ByteBuffer.allocate(HEADER + body);
        b.putInt(body).putInt(0).putLong(now).putInt(sk.length).put(sk);
        SiblingSetCodec.write(b, set);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), HEADER, body);
        b.putInt(4, (int) crc.getValue());
        b.flip();
        while (b.hasRemaining()) {
            size += channel.write(b, size);
        }
        pending++;
    }

    /** Up to {@code max} hints (at most about {@code maxBytes}) after those already handed out. */
    List<Hint> next(int max, long maxBytes) throws IOException {
        List<Hint> out = new ArrayList<>();
        long bytes = 0;
        while (channel != null && readAt < size && out.size() < max && bytes < maxBytes) {
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            channel.read(h, readAt);
            int body = h.getInt(0);
            ByteBuffer b = ByteBuffer.allocate(body);
            channel.read(b, readAt + HEADER);
            b.flip();
            long writtenAt = b.getLong();
            byte[] sk = ReplicaMessages.bytes(b, b.getInt());
            SiblingSet set = SiblingSetCodec.read(b);
            readAt += HEADER + body;
            bytes += HEADER + body;
            out.add(new Hint(sk, set, writtenAt, readAt, HEADER + body));
        }
        return out;
    }

    /** Hands the hints after the acknowledged ones out again (a delivery failed). */
    void rewind() {
        readAt = done;
    }

    /** The peer acknowledged every hint up to {@code end}, {@code count} of them. */
    void acknowledge(long end, int count) throws IOException {
        done = end;
        pending -= count;
        if (done >= size) {
            clear();
            return;
        }
        Path tmp = delivered.resolveSibling(delivered.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(ByteBuffer.allocate(8).putLong(0, done));
            c.force(true);
        }
        Files.move(tmp, delivered, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Every hint acknowledged: the files go. */
    private void clear() throws IOException {
        channel.close();
        channel = null;
        Files.deleteIfExists(delivered);
        Files.deleteIfExists(file);
        size = 0;
        done = 0;
        readAt = 0;
        pending = 0;
    }

    /** Hints not acknowledged yet. */
    long pending() {
        return pending;
    }

    /** Bytes of hints not acknowledged yet. */
    long pendingBytes() {
        return size - done;
    }

    void sync() {
        if (channel != null) {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.force(false);
            channel.close();
            channel = null;
        }
    }
}
