package kvstore.transport;

/**
 * One decoded frame. {@code messageType} is meaningful only for REQUEST and ONE_WAY frames (it is
 * the first four bytes of their payload on the wire); {@code body} is the rest of the payload.
 */
record Frame(FrameType type, byte flags, long correlationId, int messageType, byte[] body) {
    static final byte[] EMPTY = new byte[0];

    static Frame of(FrameType type, long correlationId, byte[] body) {
        return new Frame(type, (byte) 0, correlationId, 0, body);
    }

    /** Bytes this frame occupies on the wire, length prefix included. */
    long wireSize() {
        return FrameCodec.LENGTH_FIELD + FrameCodec.HEADER_AFTER_LENGTH
                + (type.hasMessageType() ? 4 : 0) + body.length;
    }
}
