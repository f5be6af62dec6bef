package kvstore.transport;

/**
 * The kinds of frame on the peer bus. The byte ids are part of the wire format and never change
 * meaning; new kinds take new ids.
 */
public enum FrameType {
    /** Handshake hello: the dialer's (name, expected peer name, nonce), then the acceptor's (name, nonce). */
    HANDSHAKE(1),
    /** Handshake proof: the dialer's HMAC, then the acceptor's verdict and HMAC. */
    HANDSHAKE_ACK(2),
    /** A request that expects exactly one RESPONSE or ERROR with the same correlation id. */
    REQUEST(3),
    /** The successful answer to a REQUEST. */
    RESPONSE(4),
    /** A failed answer to a REQUEST, or a reason for closing during the handshake. */
    ERROR(5),
    /** Liveness probe; answered with PONG carrying the same correlation id. */
    PING(6),
    PONG(7),
    /** A message that expects no answer. */
    ONE_WAY(8);

    private static final FrameType[] BY_ID = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;

    FrameType(int id) {
        this.id = id;
    }

    public byte id() {
        return (byte) id;
    }

    /** The type with this id, or null for an unknown id. */
    public static FrameType of(byte id) {
        return BY_ID[id & 0xff];
    }

    /** REQUEST and ONE_WAY payloads start with a u32 message type that selects the handler. */
    boolean hasMessageType() {
        return this == REQUEST || this == ONE_WAY;
    }
}
