package kvstore.storage;

/** The engine's files are damaged or inconsistent; the message says which file and where. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
