package kvstore.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One authenticated connection to a peer: writes frames (through the fault injector) and keeps the
 * requests sent on it that wait for an answer, so that losing the connection fails exactly those.
 *
 * <p>Frames are written from many threads. Each goes into an outbox; the first frame of a burst
 * queues one task on the event loop, which writes every frame queued by then and flushes once, so
 * a burst costs one task and one syscall rather than one of each per frame. A lost write needs no
 * future: the channel closes, and {@link #failAll} fails the requests it carried.
 */
final class PeerConnection {
    final Channel channel;
    final String peer;
    /** True when this node dialled the connection, false when the peer did. */
    final boolean dialledByUs;
    private final FaultInjector faults;
    /** Requests sent and not yet answered, with the System.nanoTime() at which each times out. */
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Queue<Frame> outbox = new ConcurrentLinkedQueue<>();
    /** Wire bytes in the outbox, counted against the same limit as the channel's own buffer. */
    private final AtomicLong outboxBytes = new AtomicLong();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable drain = this::drainOutbox;
    private final long maxQueuedBytes;
    /** Event loop only: requests of batched handlers served in this read, waiting for the batch hook. */
    final List<Frame> batchFrames = new ArrayList<>();
    final List<CompletableFuture<byte[]>> batchResults = new ArrayList<>();
    private volatile boolean closed;

    PeerConnection(Channel channel, String peer, boolean dialledByUs, FaultInjector faults) {
        this.channel = channel;
        this.maxQueuedBytes = channel.config().getWriteBufferHighWaterMark();
        this.peer = peer;
        this.dialledByUs = dialledByUs;
        this.faults = faults;
    }

    boolean isOpen() {
        return !closed && channel.isActive();
    }

    int inFlight() {
        int n = 0;
        for (Pending p : pending.values()) {
            n += p.future().isDone() ? 0 : 1; // one timed out by its own timer waits here for the next sweep
        }
        return n;
    }

    /** Bytes written but not yet handed to the socket (frames queued from other threads included). */
    long queuedBytes() {
        ChannelOutboundBuffer b = channel.unsafe().outboundBuffer();
        return outboxBytes.get() + (b == null ? 0 : b.totalPendingWriteBytes());
    }

    /** False while more than the configured maximum is queued for the peer (until half drains). */
    boolean acceptsMore() {
        return channel.isWritable() && outboxBytes.get() < maxQueuedBytes;
    }

    void write(Frame f) {
        if (faults.any()) {
            if (faults.dropped(peer)) {
                return;
            }
            long delay = faults.delayNanos(peer);
            if (delay > 0) {
                channel.eventLoop().schedule(() -> channel.writeAndFlush(f, channel.voidPromise()), delay,
                        TimeUnit.NANOSECONDS);
                return;
            }
        }
        outboxBytes.addAndGet(f.wireSize());
        outbox.add(f);
        if (drainQueued.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drain);
            } catch (RejectedExecutionException e) {
                outbox.clear(); // the transport is shutting down: the connection goes with it
            }
        }
    }

    /** Event loop: writes what the outbox holds, then flushes once. */
    private void drainOutbox() {
        drainQueued.set(false); // a frame added from here on queues another drain
        long bytes = 0;
        Frame f;
        while ((f = outbox.poll()) != null) {
            bytes += f.wireSize();
            channel.write(f, channel.voidPromise());
        }
        if (bytes > 0) {
            outboxBytes.addAndGet(-bytes);
            channel.flush();
        }
    }

    /** A request waiting for its answer: it times out at {@code deadline}; {@code onSlow} runs once at {@code slowAt}. */
    private static final class Pending {
        final CompletableFuture<byte[]> future;
        final long deadline;
        final long slowAt;
        /** Touched by the sweep only (the event loop); null once run, or when there is none. */
        Runnable onSlow;

        Pending(CompletableFuture<byte[]> future, long deadline, long slowAt, Runnable onSlow) {
            this.future = future;
            this.deadline = deadline;
            this.slowAt = slowAt;
            this.onSlow = onSlow;
        }

        CompletableFuture<byte[]> future() {
            return future;
        }
    }

    /**
     * Sends a request; {@link #expire} fails it with a TimeoutException if no answer came by
     * {@code deadline}, and runs {@code onSlow} (if not null) if none came by {@code slowAt}.
     */
    void request(long id, int messageType, byte[] payload, CompletableFuture<byte[]> f, long deadline,
                 long slowAt, Runnable onSlow) {
        pending.put(id, new Pending(f, deadline, slowAt, onSlow));
        if (closed) {
            // failAll may have run before the put; do its work for this request
            pending.remove(id);
            f.completeExceptionally(new PeerUnavailableException(peer, "connection lost"));
            return;
        }
        if (!acceptsMore()) {
            pending.remove(id);
            f.completeExceptionally(new PeerOverloadedException(peer, queuedBytes() + " bytes already queued"));
            return;
        }
        write(new Frame(FrameType.REQUEST, (byte) 0, id, messageType, payload));
    }

    /** The future waiting for this correlation id, removed; null when it already completed. */
    CompletableFuture<byte[]> answered(long id) {
        Pending p = pending.remove(id);
        return p == null ? null : p.future();
    }

    /**
     * Event loop, every few milliseconds: fails the requests whose time is up (and forgets those
     * completed elsewhere), and tells the slow ones' callers. One sweep replaces a timer per request,
     * which cost more than the request.
     */
    void expire(long now) {
        if (pending.isEmpty()) {
            return;
        }
        for (java.util.Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.future.isDone()) {
                it.remove();
            } else if (now - p.deadline >= 0) {
                it.remove();
                p.future.completeExceptionally(new java.util.concurrent.TimeoutException());
            } else if (p.onSlow != null && now - p.slowAt >= 0) {
                Runnable slow = p.onSlow;
                p.onSlow = null;
                slow.run();
            }
        }
    }

    void failAll(Throwable cause) {
        closed = true;
        for (Long id : pending.keySet()) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future().completeExceptionally(cause);
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
