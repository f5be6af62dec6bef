package kvstore.transport;

/** The peer answered a request with an ERROR frame. */
public final class RemotePeerException extends Exception {
    private final String peer;
    private final ErrorCode code;

    public RemotePeerException(String peer, ErrorCode code, String message) {
        super(peer + " " + code + ": " + message, null, false, false);
        this.peer = peer;
        this.code = code;
    }

    public String peer() {
        return peer;
    }

    public ErrorCode code() {
        return code;
    }
}
