package kvstore.keyspace;

/** Too few replicas answered a read or write in time (-NOREPLICAS ...). */
public final class UnavailableException extends ReplyException {
    public UnavailableException(String replyText) {
        super(replyText);
    }
}
