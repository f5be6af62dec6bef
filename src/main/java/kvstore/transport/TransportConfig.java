package kvstore.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one node's peer transport. Build with {@link #builder(String, String, int)}; every
 * setting but the node name, secret and port has a default.
 */
public final class TransportConfig {
    /** Default cap: a 512 MB value plus headroom for keys, versions and the envelope. */
    public static final long DEFAULT_MAX_FRAME = 600L * 1024 * 1024;

    final String nodeName;
    final byte[] secret;
    final String bindHost;
    final int port;
    final long maxFrameSize;
    final Duration handshakeTimeout;
    final Duration connectTimeout;
    final Duration pingInterval;
    final Duration deadAfter;
    final Duration reconnectBase;
    final Duration reconnectMax;
    final int ioThreads;
    final int blockingThreads;
    final long maxQueuedBytes;

    private TransportConfig(Builder b) {
        this.nodeName = b.nodeName;
        this.secret = b.secret;
        this.bindHost = b.bindHost;
        this.port = b.port;
        this.maxFrameSize = b.maxFrameSize;
        this.handshakeTimeout = b.handshakeTimeout;
        this.connectTimeout = b.connectTimeout;
        this.pingInterval = b.pingInterval;
        this.deadAfter = b.deadAfter;
        this.reconnectBase = b.reconnectBase;
        this.reconnectMax = b.reconnectMax;
        this.ioThreads = b.ioThreads;
        this.blockingThreads = b.blockingThreads;
        this.maxQueuedBytes = b.maxQueuedBytes;
    }

    /**
     * @param nodeName this node's name, as peers know it
     * @param secret   the shared cluster secret (never sent on the wire)
     * @param port     the bus port (normally client port + 10000); 0 picks a free one
     */
    public static Builder builder(String nodeName, String secret, int port) {
        return new Builder(nodeName, secret, port);
    }

    public String nodeName() {
        return nodeName;
    }

    public long maxFrameSize() {
        return maxFrameSize;
    }

    public static final class Builder {
        private final String nodeName;
        private final byte[] secret;
        private final int port;
        /** null: every interface, IPv4 and IPv6. */
        private String bindHost;
        private long maxFrameSize = DEFAULT_MAX_FRAME;
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration pingInterval = Duration.ofSeconds(1);
        private Duration deadAfter = Duration.ofSeconds(10);
        private Duration reconnectBase = Duration.ofMillis(50);
        private Duration reconnectMax = Duration.ofSeconds(2);
        private int ioThreads = 2;
        private int blockingThreads = 8;
        private long maxQueuedBytes = 1024L * 1024 * 1024;

        private Builder(String nodeName, String secret, int port) {
            this.nodeName = Objects.requireNonNull(nodeName);
            if (nodeName.isEmpty() || nodeName.getBytes(StandardCharsets.UTF_8).length > 1024) {
                throw new IllegalArgumentException("node name must be 1 to 1024 bytes");
            }
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("the cluster secret must not be empty");
            }
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
            this.port = port;
        }

        public Builder bindHost(String host) {
            this.bindHost = host;
            return this;
        }

        public Builder maxFrameSize(long bytes) {
            if (bytes < FrameCodec.HANDSHAKE_LIMIT || bytes > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("max frame size must be between 4096 and 2 GB");
            }
            this.maxFrameSize = bytes;
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = d;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** How often an idle connection is probed with PING. */
        public Builder pingInterval(Duration d) {
            this.pingInterval = d;
            return this;
        }

        /** A connection that has received nothing for this long is closed as dead. */
        public Builder deadAfter(Duration d) {
            this.deadAfter = d;
            return this;
        }

        /** First reconnect delay; it doubles per failed attempt up to {@code max}, with jitter. */
        public Builder reconnectBackoff(Duration base, Duration max) {
            this.reconnectBase = base;
            this.reconnectMax = max;
            return this;
        }

        public Builder ioThreads(int n) {
            this.ioThreads = n;
            return this;
        }

        public Builder blockingThreads(int n) {
            this.blockingThreads = n;
            return this;
        }

        /**
         * Bytes that may wait to be written to one peer; beyond it requests to that peer fail fast
         * with {@link PeerOverloadedException} (and one-way messages are dropped) until it drains to
         * half. One frame of any allowed size is always accepted when the queue is below the limit.
         */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 2 || bytes > Integer.MAX_VALUE * 4L) {
                throw new IllegalArgumentException("max queued bytes out of range");
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        public TransportConfig build() {
            return new TransportConfig(this);
        }
    }
}
