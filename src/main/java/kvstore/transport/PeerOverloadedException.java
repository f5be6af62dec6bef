package kvstore.transport;

/**
 * Too many bytes are already queued for the peer (it reads slower than this node writes): the
 * request was not sent. Unlike other {@link PeerUnavailableException}s the peer certainly did not
 * see it.
 */
public final class PeerOverloadedException extends PeerUnavailableException {
    public PeerOverloadedException(String peer, String message) {
        super(peer, message);
    }
}
