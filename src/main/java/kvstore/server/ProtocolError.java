package kvstore.server;

/** Emitted by the decoder in place of a request when the input breaks the protocol; the connection ends. */
record ProtocolError(String message) {
}
