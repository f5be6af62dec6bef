package kvstore.storage;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Small file helpers shared by the log, the tables and the manifest. */
final class IoUtil {
    /** Heap buffers are written in slices of this size so NIO never allocates a huge temporary direct buffer. */
    private static final int WRITE_CHUNK = 1 << 20;
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        // JDK 17 has no public unmap; sun.misc.Unsafe.invokeCleaner (module jdk.unsupported, exported)
        // releases a mapping at once. It is looked up reflectively so that the code still compiles
        // and runs where it is missing; then mappings are released by the GC instead (later, but safe).
        Method m = null;
        Object u = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            m = null;
            u = null;
        }
        INVOKE_CLEANER = m;
        UNSAFE = u;
    }

    private IoUtil() {
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        if (buf.isDirect() || buf.remaining() <= WRITE_CHUNK) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            return;
        }
        int limit = buf.limit();
        while (buf.position() < limit) {
            buf.limit(Math.min(limit, buf.position() + WRITE_CHUNK));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.limit(limit);
        }
    }

    static void writeFully(FileChannel ch, byte[] b, int off, int len) throws IOException {
        writeFully(ch, ByteBuffer.wrap(b, off, len));
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    /** Makes a rename or a file creation in {@code dir} durable. */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Releases a mapping now if the JDK allows it; otherwise the GC releases it later. */
    static void unmap(ByteBuffer mapped) {
        if (INVOKE_CLEANER != null && mapped != null && mapped.isDirect()) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, mapped);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // leave it to the GC
            }
        }
    }
}
