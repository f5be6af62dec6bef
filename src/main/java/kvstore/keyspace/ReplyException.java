package kvstore.keyspace;

/**
 * A keyspace call failed in a way the client must be told about; the message is the complete error
 * reply text, starting with its code ("NOREPLICAS ...", "ERR ..."), and the dispatcher sends it as it is.
 */
public class ReplyException extends RuntimeException {
    public ReplyException(String replyText) {
        super(replyText, null, false, false);
    }
}
