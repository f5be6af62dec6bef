package kvstore.transport;

import java.io.IOException;

/**
 * The request could not be delivered or answered because there is no usable connection to the
 * peer: it is unknown, unreachable, refused us, or the connection was lost with the request in flight.
 * Whether the peer processed a request that failed this way is unknown.
 */
public class PeerUnavailableException extends IOException {
    private final String peer;
    private final String reason;

    public PeerUnavailableException(String peer, String message, Throwable cause) {
        super(peer + ": " + message, cause);
        this.peer = peer;
        this.reason = message;
    }

    public PeerUnavailableException(String peer, String message) {
        this(peer, message, null);
    }

    public String peer() {
        return peer;
    }

    /** The message without the peer name. */
    public String reason() {
        return reason;
    }
}
