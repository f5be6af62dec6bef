package kvstore.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives one peer connection: the handshake of {@link Handshake} from either side, then hands
 * every frame to the transport and keeps the connection alive with PING (closing it when the peer
 * has been silent too long). No frame other than the handshake's is looked at before both sides
 * have proven the secret.
 */
final class PeerChannelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(PeerChannelHandler.class);

    /** HELD: an acceptor's hello from a partitioned peer, answered when the partition heals. */
    private enum Stage { HELLO, HELD, PROOF, VERDICT, READY, FAILED }

    private final PeerTransport transport;
    private final FrameCodec codec;
    /** The link we dial for; null on the accepting side. */
    private final PeerLink dialLink;
    private final byte[] nonce = Handshake.nonce();
    private Stage stage = Stage.HELLO;
    private String peerName;
    private byte[] peerNonce;
    private PeerConnection conn;
    private PeerLink link;
    private boolean resolved;
    private String closeReason;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> pingTimer;
    private ScheduledFuture<?> expiryTimer;

    PeerChannelHandler(PeerTransport transport, FrameCodec codec, PeerLink dialLink) {
        this.transport = transport;
        this.codec = codec;
        this.dialLink = dialLink;
        this.peerName = dialLink == null ? null : dialLink.name;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long timeout = transport.config().handshakeTimeout.toNanos();
        handshakeTimer = ctx.executor().schedule(() -> {
            if (stage != Stage.READY) {
                fail(ctx, "handshake timed out", false);
            }
        }, timeout, TimeUnit.NANOSECONDS);
        if (dialLink != null) {
            ctx.writeAndFlush(Frame.of(FrameType.HANDSHAKE, 0,
                    Handshake.hello(transport.nodeName(), peerName, nonce)));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (stage == Stage.READY) {
            transport.endOfRead(conn);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame f = (Frame) msg;
        if (stage == Stage.READY) {
            transport.dispatch(conn, f);
            return;
        }
        if (stage == Stage.FAILED || stage == Stage.HELD) {
            return;
        }
        if (f.type() == FrameType.ERROR) {
            String text = errorText(f.body());
            ErrorCode code = f.body().length > 0 ? ErrorCode.of(f.body()[0]) : ErrorCode.UNKNOWN;
            if (code == ErrorCode.AUTH_FAILED) {
                transport.authFailure(ctx.channel().remoteAddress(), peerName, "it rejected our proof");
            }
            fail(ctx, "refused by peer: " + text, code == ErrorCode.AUTH_FAILED);
            return;
        }
        try {
            if (dialLink == null) {
                acceptorStep(ctx, f);
            } else {
                dialerStep(ctx, f);
            }
        } catch (IllegalArgumentException e) {
            protocolError(ctx, e.getMessage());
        }
    }

    private void acceptorStep(ChannelHandlerContext ctx, Frame f) {
        if (stage == Stage.HELLO && f.type() == FrameType.HANDSHAKE) {
            Handshake.Hello h = Handshake.parseHello(f.body());
            if (h.version() != Handshake.VERSION) {
                protocolError(ctx, "unsupported handshake version " + h.version());
                return;
            }
            if (!h.expected().equals(transport.nodeName()) || h.name().equals(transport.nodeName())) {
                protocolError(ctx, "peer " + h.name() + " expected node " + h.expected() + ", this is "
                        + transport.nodeName());
                return;
            }
            peerName = h.name();
            peerNonce = h.nonce();
            if (transport.faults().dropped(peerName)) {
                // Partitioned: hold the hello, as a dead network would. If the partition heals before
                // the handshake times out, answer it then, as TCP's retransmission would deliver it.
                stage = Stage.HELD;
                transport.holdUntilHealed(peerName, () -> ctx.executor().execute(() -> {
                    if (stage == Stage.HELD && ctx.channel().isActive()) {
                        stage = Stage.HELLO;
                        acceptorStep(ctx, f);
                    }
                }));
                return;
            }
            ctx.writeAndFlush(Frame.of(FrameType.HANDSHAKE, 0, Handshake.hello(transport.nodeName(), "", nonce)));
            stage = Stage.PROOF;
        } else if (stage == Stage.PROOF && f.type() == FrameType.HANDSHAKE_ACK) {
            byte[] expected = Handshake.proof(transport.secret(), 'D', peerName, transport.nodeName(), peerNonce, nonce);
            if (!Handshake.verify(expected, f.body())) {
                transport.authFailure(ctx.channel().remoteAddress(), peerName, "it dialled in with a wrong proof");
                stage = Stage.FAILED;
                ctx.writeAndFlush(error(ErrorCode.AUTH_FAILED, "authentication failed"))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            transport.authSuccess(ctx.channel().remoteAddress(), peerName);
            byte[] proof = Handshake.proof(transport.secret(), 'A', peerName, transport.nodeName(), peerNonce, nonce);
            link = transport.linkFor(peerName);
            PeerConnection c = new PeerConnection(ctx.channel(), peerName, false, transport.faults());
            boolean accepted = link.acceptInbound(c, () -> {
                ctx.writeAndFlush(Frame.of(FrameType.HANDSHAKE_ACK, 0, verdict(Handshake.ACCEPTED, proof)));
                ready(ctx, c);
            });
            if (!accepted) {
                log.debug("Refusing duplicate connection from peer {}", peerName);
                stage = Stage.FAILED;
                ctx.writeAndFlush(Frame.of(FrameType.HANDSHAKE_ACK, 0, verdict(Handshake.DUPLICATE, proof)))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        } else {
            protocolError(ctx, f.type() + " frame during the handshake");
        }
    }

    private void dialerStep(ChannelHandlerContext ctx, Frame f) {
        if (stage == Stage.HELLO && f.type() == FrameType.HANDSHAKE) {
            Handshake.Hello h = Handshake.parseHello(f.body());
            if (!h.name().equals(peerName)) {
                fail(ctx, "dialled " + peerName + " at " + ctx.channel().remoteAddress() + " but reached " + h.name(),
                        true);
                return;
            }
            peerNonce = h.nonce();
            ctx.writeAndFlush(Frame.of(FrameType.HANDSHAKE_ACK, 0,
                    Handshake.proof(transport.secret(), 'D', transport.nodeName(), peerName, nonce, peerNonce)));
            stage = Stage.VERDICT;
        } else if (stage == Stage.VERDICT && f.type() == FrameType.HANDSHAKE_ACK) {
            byte[] body = f.body();
            byte[] expected = Handshake.proof(transport.secret(), 'A', transport.nodeName(), peerName, nonce, peerNonce);
            if (body.length != 1 + Handshake.PROOF
                    || !Handshake.verify(expected, Arrays.copyOfRange(body, 1, body.length))) {
                transport.authFailure(ctx.channel().remoteAddress(), peerName, "it answered with a wrong proof");
                fail(ctx, "peer failed authentication", true);
                return;
            }
            transport.authSuccess(ctx.channel().remoteAddress(), peerName);
            if (body[0] == Handshake.DUPLICATE) {
                resolved = true;
                stage = Stage.FAILED;
                dialLink.dialDuplicate();
                ctx.close();
                return;
            }
            link = dialLink;
            PeerConnection c = new PeerConnection(ctx.channel(), peerName, true, transport.faults());
            ready(ctx, c);
            resolved = true;
            dialLink.dialled(c);
        } else {
            protocolError(ctx, f.type() + " frame during the handshake");
        }
    }

    private void ready(ChannelHandlerContext ctx, PeerConnection c) {
        conn = c;
        stage = Stage.READY;
        handshakeTimer.cancel(false);
        codec.authenticated(transport.config().maxFrameSize, link);
        long interval = transport.config().pingInterval.toNanos();
        long dead = transport.config().deadAfter.toNanos();
        // Ping when we have sent nothing for a while, not when we have received nothing: a node busy
        // receiving a huge frame then still pings the sender, whose own pings would queue behind it.
        pingTimer = ctx.executor().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long silent = now - codec.lastReadNanos();
            if (silent > dead) {
                closeReason = "nothing received for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms";
                ctx.close();
            } else if (now - codec.lastWriteNanos() >= interval) {
                c.write(Frame.of(FrameType.PING, 0, Frame.EMPTY));
            }
        }, interval, interval, TimeUnit.NANOSECONDS);
        expiryTimer = ctx.executor().scheduleAtFixedRate(() -> c.expire(System.nanoTime()),
                EXPIRY_TICK_MS, EXPIRY_TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** How often requests waiting on this connection are checked for their timeout. */
    private static final long EXPIRY_TICK_MS = 5;

    private static byte[] verdict(byte verdict, byte[] proof) {
        return ByteBuffer.allocate(1 + proof.length).put(verdict).put(proof).array();
    }

    static Frame error(ErrorCode code, String message) {
        return errorFrame(0, code, message);
    }

    static Frame errorFrame(long correlationId, ErrorCode code, String message) {
        byte[] text = (message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
        byte[] body = ByteBuffer.allocate(1 + text.length).put(code.id()).put(text).array();
        return Frame.of(FrameType.ERROR, correlationId, body);
    }

    static String errorText(byte[] body) {
        return body.length <= 1 ? "" : new String(body, 1, body.length - 1, StandardCharsets.UTF_8);
    }

    private void protocolError(ChannelHandlerContext ctx, String reason) {
        log.warn("Closing peer connection {}{}: {}", ctx.channel().remoteAddress(),
                peerName == null ? "" : " (" + peerName + ")", reason);
        ctx.writeAndFlush(error(ErrorCode.PROTOCOL, reason));
        fail(ctx, reason, false);
    }

    /** Ends the handshake unsuccessfully; a dial reports the failure to its link. */
    private void fail(ChannelHandlerContext ctx, String reason, boolean auth) {
        stage = Stage.FAILED;
        closeReason = reason;
        if (dialLink != null && !resolved) {
            resolved = true;
            dialLink.dialFailed(auth ? new PeerAuthenticationException(peerName, reason)
                    : new PeerUnavailableException(peerName, reason));
        } else {
            log.debug("Peer connection {} closed during handshake: {}", ctx.channel().remoteAddress(), reason);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (pingTimer != null) {
            pingTimer.cancel(false);
            expiryTimer.cancel(false);
        }
        if (conn != null) {
            link.closed(conn, closeReason);
        } else if (dialLink != null && !resolved) {
            resolved = true;
            dialLink.dialFailed(new PeerUnavailableException(peerName,
                    "connection closed during the handshake" + (closeReason == null ? "" : ": " + closeReason)));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Peer connection {} error: {}", ctx.channel().remoteAddress(), cause.toString());
        if (closeReason == null) {
            closeReason = cause.getMessage();
        }
        ctx.close();
    }
}
