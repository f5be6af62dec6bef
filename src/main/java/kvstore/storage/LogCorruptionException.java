package kvstore.storage;

import java.nio.file.Path;

/** The commit log holds a damaged record that is not a torn tail; names the file and byte offset. */
public final class LogCorruptionException extends StorageException {
    private final transient Path file;
    private final long offset;

    public LogCorruptionException(Path file, long offset, String reason) {
        super("commit log " + file + " is corrupt at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
