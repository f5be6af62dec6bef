package kvstore.server;

import kvstore.config.Config;

/**
 * The request-size limits the decoder enforces, kept in volatile fields so that CONFIG SET takes
 * effect on the next request without the decoder reading the config map on its hot path.
 */
final class ServerLimits {
    volatile long maxBulkLength;
    volatile long maxMultibulkLength;
    volatile long maxInlineSize;
    volatile long queryBufferLimit;

    ServerLimits(Config config) {
        maxBulkLength = config.getLong("proto-max-bulk-len");
        maxMultibulkLength = config.getLong("proto-max-multibulk-len");
        maxInlineSize = config.getLong("proto-inline-max-size");
        queryBufferLimit = config.getLong("client-query-buffer-limit");
        config.onChange("proto-max-bulk-len", v -> maxBulkLength = Long.parseLong(v));
        config.onChange("proto-max-multibulk-len", v -> maxMultibulkLength = Long.parseLong(v));
        config.onChange("proto-inline-max-size", v -> maxInlineSize = Long.parseLong(v));
        config.onChange("client-query-buffer-limit", v -> queryBufferLimit = Long.parseLong(v));
    }
}
