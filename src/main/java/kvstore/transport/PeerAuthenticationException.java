package kvstore.transport;

/** The handshake with the peer failed: wrong cluster secret, or the peer is not who it should be. */
public final class PeerAuthenticationException extends PeerUnavailableException {
    public PeerAuthenticationException(String peer, String message) {
        super(peer, message);
    }
}
