package kvstore.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One authenticated connection to a peer: writes frames (through the fault injector) and keeps the
 * requests sent on it that wait for an answer, so that losing the connection fails exactly those.
 */
final class PeerConnection {
    final Channel channel;
    final String peer;
    /** True when this node dialled the connection, false when the peer did. */
    final boolean dialledByUs;
    private final FaultInjector faults;
    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;

    PeerConnection(Channel channel, String peer, boolean dialledByUs, FaultInjector faults) {
        this.channel = channel;
        this.peer = peer;
        this.dialledByUs = dialledByUs;
        this.faults = faults;
    }

    boolean isOpen() {
        return !closed && channel.isActive();
    }

    int inFlight() {
        return pending.size();
    }

    /** Bytes written but not yet handed to the socket (frames queued from other threads included). */
    long queuedBytes() {
        ChannelOutboundBuffer b = channel.unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }

    /** False while more than the configured maximum is queued for the peer (until half drains). */
    boolean acceptsMore() {
        return channel.isWritable();
    }

    ChannelFuture write(Frame f) {
        if (faults.any()) {
            if (faults.dropped(peer)) {
                return channel.newSucceededFuture();
            }
            long delay = faults.delayNanos(peer);
            if (delay > 0) {
                ChannelPromise p = channel.newPromise();
                channel.eventLoop().schedule(() -> channel.writeAndFlush(f, p), delay, TimeUnit.NANOSECONDS);
                return p;
            }
        }
        return channel.writeAndFlush(f);
    }

    void request(long id, int messageType, byte[] payload, CompletableFuture<byte[]> f) {
        pending.put(id, f);
        f.whenComplete((r, e) -> pending.remove(id));
        if (closed) {
            // failAll may have run before the put; do its work for this request
            f.completeExceptionally(new PeerUnavailableException(peer, "connection lost"));
            return;
        }
        if (!acceptsMore()) {
            f.completeExceptionally(new PeerOverloadedException(peer, queuedBytes() + " bytes already queued"));
            return;
        }
        write(new Frame(FrameType.REQUEST, (byte) 0, id, messageType, payload)).addListener(w -> {
            if (!w.isSuccess()) {
                f.completeExceptionally(new PeerUnavailableException(peer, "write failed", w.cause()));
            }
        });
    }

    /** The future waiting for this correlation id, removed; null when it already completed. */
    CompletableFuture<byte[]> answered(long id) {
        return pending.remove(id);
    }

    void failAll(Throwable cause) {
        closed = true;
        for (Long id : pending.keySet()) {
            CompletableFuture<byte[]> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(cause);
            }
        }
    }

    void close() {
        channel.close();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public String toString() {
        return peer + (dialledByUs ? " (dialled " : " (accepted ") + channel.remoteAddress() + ")";
    }
}
