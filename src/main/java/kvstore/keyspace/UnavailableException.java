package kvstore.keyspace;

/**
 * Too few replicas answered a read or write in time. The message is the complete error reply text,
 * starting with its code (NOREPLICAS ...); the dispatcher sends it as it is.
 */
public final class UnavailableException extends RuntimeException {
    public UnavailableException(String replyText) {
        super(replyText, null, false, false);
    }
}
