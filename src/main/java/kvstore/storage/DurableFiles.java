package kvstore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small state files replaced whole (the actor id, the database map, the ring's membership and slot
 * transfers): the new content goes to {@code <name>.tmp}, which is forced to disk and renamed over the
 * file, and the directory is forced too. A crash leaves the old content or the new, and a replacement
 * that returned survives one.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    public static void replace(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            IoUtil.writeFully(ch, ByteBuffer.wrap(content));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        IoUtil.fsyncDir(file.toAbsolutePath().getParent());
    }
}
