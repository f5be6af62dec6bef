package kvstore.transport;

/** The first payload byte of an ERROR frame. */
public enum ErrorCode {
    /** The handler failed or its future completed exceptionally. */
    HANDLER_FAILED(1),
    /** No handler is registered for the request's message type. */
    NO_HANDLER(2),
    /** The handshake proof did not verify. */
    AUTH_FAILED(3),
    /** The peer broke the protocol (wrong frame for the state, wrong peer name). */
    PROTOCOL(4),
    UNKNOWN(255);

    private final int id;

    ErrorCode(int id) {
        this.id = id;
    }

    byte id() {
        return (byte) id;
    }

    static ErrorCode of(byte id) {
        for (ErrorCode c : values()) {
            if (c.id == (id & 0xff)) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
