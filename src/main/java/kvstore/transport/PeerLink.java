package kvstore.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * This node's relation to one peer: the single connection in use, the dial in progress, the
 * reconnect schedule, and the sends waiting for a connection.
 *
 * <p>One connection per pair: a node dials only while it holds no connection to the peer, and the
 * acceptor of a connection arbitrates. A connection dialled by the node with the smaller name is
 * always accepted (it replaces whatever the acceptor held, which the dialler evidently considers
 * dead). A connection dialled by the larger name is refused as DUPLICATE while the acceptor has its
 * own dial in progress or a live connection it dialled itself; then the larger node waits for that
 * connection instead. So when both dial at once, both keep the one the smaller name dialled.
 *
 * <p>All state is guarded by this object's monitor; callbacks into user code (waiters, futures)
 * run outside it.
 */
final class PeerLink implements FrameCodec.Meter {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    /** A send waiting for a connection. */
    interface Waiter {
        void ready(PeerConnection c);

        void failed(Throwable cause);
    }

    final String name;
    private final PeerTransport transport;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private InetSocketAddress address;
    private PeerConnection active;
    private boolean dialing;
    /** A new connection is being handed the sends that waited for it; new sends queue behind them. */
    private boolean handingOver;
    private ScheduledFuture<?> retry;
    private int failures;
    /** Set when the last dial failed; sends fail fast until a connection is up again. */
    private Throwable dialFailure;
    private boolean removed;
    private long connections;
    private String lastError;

    PeerLink(String name, InetSocketAddress address, PeerTransport transport) {
        this.name = name;
        this.address = address;
        this.transport = transport;
    }

    @Override
    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    @Override
    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    /** Runs {@code w} with the live connection, after dialling if needed, or fails it. */
    void submit(Waiter w) {
        PeerConnection c;
        Throwable fail = null;
        synchronized (this) {
            c = active;
            if (removed) {
                fail = new PeerUnavailableException(name, "not a peer of this node");
            } else if (handingOver) {
                waiters.add(w); // behind the sends that waited for this connection: order is kept
                return;
            } else if (c == null || !c.isOpen()) {
                // with a connection that just closed, wait for the reconnect its close schedules
                if (c == null && dialFailure != null) {
                    fail = unreachable(dialFailure);
                } else {
                    waiters.add(w);
                    if (!dialing && retry == null) {
                        startDial();
                    }
                    return;
                }
            }
        }
        if (fail != null) {
            w.failed(fail);
        } else {
            w.ready(c);
        }
    }

    private void startDial() {
        if (removed || dialing || active != null) {
            return;
        }
        if (address == null) {
            dialFailure = new PeerUnavailableException(name, "no address known");
            failWaiters(dialFailure);
            return;
        }
        if (transport.faults().dropped(name)) {
            failures++;
            scheduleRetry(); // partitioned: keep waiting, as a real network would
            return;
        }
        dialing = true;
        InetSocketAddress to = address;
        transport.execute(() -> transport.dial(this, to));
    }

    /** A fresh exception per failed send, keeping the kind of the dial's failure. */
    private PeerUnavailableException unreachable(Throwable cause) {
        String why = cause instanceof PeerUnavailableException ? ((PeerUnavailableException) cause).reason()
                : cause.toString();
        if (cause instanceof PeerAuthenticationException) {
            return new PeerAuthenticationException(name, why);
        }
        return new PeerUnavailableException(name, "unreachable: " + why, cause);
    }

    synchronized InetSocketAddress address() {
        return address;
    }

    void dialFailed(Throwable cause) {
        List<Waiter> failed;
        synchronized (this) {
            dialing = false;
            failures++;
            lastError = cause.getMessage();
            if (active != null) {
                return;
            }
            dialFailure = cause;
            failed = drainWaiters();
            scheduleRetry();
        }
        log.debug("Dial to peer {} failed: {}", name, cause.toString());
        for (Waiter w : failed) {
            w.failed(unreachable(cause));
        }
    }

    /** The peer refused our dial because its own connection to us is coming or already up. */
    synchronized void dialDuplicate() {
        dialing = false;
        if (active == null) {
            failures++;
            scheduleRetry();
        }
    }

    /**
     * The acceptor's arbitration for an authenticated inbound connection: true (and the connection
     * is in use, after {@code sendVerdict} ran) or false for DUPLICATE.
     */
    boolean acceptInbound(PeerConnection c, Runnable sendVerdict) {
        PeerConnection old;
        synchronized (this) {
            boolean preferred = name.compareTo(transport.nodeName()) < 0;
            if (!preferred && (dialing || (active != null && active.dialledByUs && active.isOpen()))) {
                if (active != null) {
                    // the peer believes our connection dead; if it is half-open, a probe finds out sooner
                    active.write(Frame.of(FrameType.PING, 0, Frame.EMPTY));
                }
                return false;
            }
            if (removed) {
                return false;
            }
            sendVerdict.run(); // before anything else can be written on the connection
            old = active;
            attachLocked(c);
        }
        finishAttach(c, old);
        return true;
    }

    /** Our dial was accepted and authenticated. */
    void dialled(PeerConnection c) {
        PeerConnection old;
        synchronized (this) {
            dialing = false;
            if (removed) {
                c.close();
                return;
            }
            old = active;
            attachLocked(c);
        }
        finishAttach(c, old);
    }

    private void attachLocked(PeerConnection c) {
        active = c;
        failures = 0;
        dialFailure = null;
        connections++;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        handingOver = !waiters.isEmpty();
    }

    /**
     * Hands the sends that waited to the new connection one by one, in order; sends submitted
     * meanwhile queue behind them, so that one thread's sends reach the peer in the order it made them.
     */
    private void finishAttach(PeerConnection c, PeerConnection old) {
        if (old != null && old != c) {
            log.debug("Peer {}: {} replaces {}", name, c, old);
            old.close();
        }
        log.info("Connected to peer {}: {}", name, c);
        while (true) {
            Waiter w;
            synchronized (this) {
                w = active == c ? waiters.poll() : null;
                if (w == null) {
                    handingOver = false;
                    return; // a later connection (or a failure) takes what is left
                }
            }
            w.ready(c);
        }
    }

    /** An authenticated connection closed. */
    void closed(PeerConnection c, String reason) {
        c.failAll(new PeerUnavailableException(name, "connection lost" + (reason == null ? "" : ": " + reason)));
        synchronized (this) {
            if (active != c) {
                return; // a replaced connection
            }
            active = null;
            lastError = reason == null ? "connection lost" : reason;
            if (transport.running() && !removed) {
                log.info("Connection to peer {} lost{}", name, reason == null ? "" : ": " + reason);
            }
            if (address == null && !removed) {
                transport.forget(this);
                return;
            }
            scheduleRetry();
        }
    }

    private void scheduleRetry() {
        if (retry != null || removed || !transport.running()) {
            return;
        }
        long delay = backoffNanos();
        retry = transport.schedule(() -> {
            synchronized (this) {
                retry = null;
                startDial();
            }
        }, delay);
    }

    /** Exponential in the number of consecutive failures, capped, with up to 50% jitter off. */
    private long backoffNanos() {
        long base = transport.config().reconnectBase.toNanos();
        long max = transport.config().reconnectMax.toNanos();
        long d = failures >= 30 ? max : Math.min(max, base << failures);
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    /** The fault on this peer was healed: reconnect now instead of at the next retry. */
    synchronized void healed() {
        failures = 0;
        dialFailure = null;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (active == null) {
            startDial();
        }
    }

    void setAddress(InetSocketAddress a) {
        PeerConnection stale = null;
        synchronized (this) {
            if (a.equals(address)) {
                return;
            }
            if (address != null) {
                stale = active; // the peer moved; its old connection goes, a retry dials the new address
            }
            address = a;
            dialFailure = null;
            removed = false;
        }
        if (stale != null) {
            stale.close();
        }
    }

    void remove(String why) {
        PeerConnection c;
        List<Waiter> failed;
        synchronized (this) {
            removed = true;
            c = active;
            failed = drainWaiters();
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
        }
        if (c != null) {
            c.failAll(new PeerUnavailableException(name, why));
            c.close();
        }
        for (Waiter w : failed) {
            w.failed(new PeerUnavailableException(name, why));
        }
    }

    private List<Waiter> drainWaiters() {
        List<Waiter> out = new ArrayList<>(waiters);
        waiters.clear();
        return out;
    }

    private void failWaiters(Throwable cause) {
        List<Waiter> failed = drainWaiters();
        // run outside the monitor: the caller holds it, so hand them to the event loop
        transport.execute(() -> failed.forEach(w -> w.failed(cause)));
    }

    synchronized PeerConnection active() {
        return active;
    }

    synchronized PeerMetrics metrics() {
        PeerConnection c = active;
        boolean up = c != null && c.isOpen();
        return new PeerMetrics(name, address, up, bytesIn.sum(), bytesOut.sum(), c == null ? 0 : c.inFlight(),
                c == null ? 0 : c.queuedBytes(), connections, Math.max(0, connections - 1), lastError);
    }
}
