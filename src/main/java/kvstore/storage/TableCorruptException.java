package kvstore.storage;

import java.nio.file.Path;

/** An SSTable failed a structural or checksum check; names the file and the byte offset. */
public final class TableCorruptException extends StorageException {
    private final long offset;

    public TableCorruptException(Path file, long offset, String reason) {
        super("table " + file + " is corrupt at offset " + offset + ": " + reason);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
