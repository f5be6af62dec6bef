/**
 * The peer bus: how kvstore nodes talk to each other.
 *
 * <h2>Shape</h2>
 * One {@link kvstore.transport.PeerTransport} per node listens on its own port (client port + 10000
 * by default, chosen by the caller) and keeps one TCP connection per peer, multiplexing requests,
 * responses and one-way messages in both directions on it. Frames are length-prefixed with a type,
 * flags and a 64-bit correlation id; the layout is in {@link kvstore.transport.FrameCodec}.
 * Callers see {@code request(peer, messageType, payload, timeout)} returning a future and
 * {@code send(...)} for one-way messages; incoming messages go to the
 * {@link kvstore.transport.RequestHandler} registered for their message type.
 *
 * <h2>Authentication</h2>
 * Mutual HMAC-SHA256 challenge-response over fresh nonces from both sides, binding both node names
 * and the role of each proof; the shared cluster secret is never sent (see
 * {@link kvstore.transport.Handshake}). The dialer proves itself first, so an unauthenticated party
 * never obtains a proof. Until both sides are verified no other frame is accepted and frames are
 * capped at 4 KB. A failed peer is logged at WARN once per (address, claimed name) and refused.
 * There is no encryption or per-frame integrity: run the bus on a trusted network (as Redis
 * Cluster's bus), or add TLS in the pipeline later.
 *
 * <h2>One connection per pair</h2>
 * Connections are dialled lazily (on first use) and redialled on loss. A node dials only while it
 * holds no connection to the peer; the acceptor arbitrates simultaneous dials: a connection dialled
 * by the node with the smaller name is always accepted, one dialled by the larger name is refused as
 * duplicate while the acceptor has its own dial in progress or a live connection it dialled. See
 * {@link kvstore.transport.PeerLink}.
 *
 * <h2>Failures</h2>
 * <ul>
 * <li>A request fails with {@code TimeoutException} when its timeout passes (the answer, if it comes,
 *     is ignored), with {@link kvstore.transport.PeerUnavailableException} when the peer is unknown,
 *     its last dial failed (fail fast while backing off), or the connection carrying it is lost
 *     (then whether the peer ran it is unknown), and with {@link kvstore.transport.RemotePeerException}
 *     when the peer's handler failed or no handler exists.</li>
 * <li>Lost connections are redialled with exponential backoff (base doubling to a cap, with up to
 *     50% jitter), forever while the peer is listed; sends made meanwhile wait for the redial.</li>
 * <li>Liveness: a side that has written nothing for {@code ping-interval} sends PING (answered by
 *     PONG); a connection on which nothing has been received for {@code dead-after} is closed.</li>
 * <li>Backpressure: when more than {@code maxQueuedBytes} (default 1 GB) wait to be written to a
 *     peer, requests to it fail at once with {@link kvstore.transport.PeerOverloadedException} and
 *     one-way messages are dropped, until half of it has drained.</li>
 * <li>Frames over the maximum frame size (default 600 MB, room for a 512 MB value) close the
 *     connection with a WARN line; the sender checks its own limit before sending.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * I/O runs on the transport's own Netty event loops (epoll where available). Handlers run on the
 * event loop unless {@link kvstore.transport.RequestHandler#mayBlock()} says otherwise, in which case
 * they run on a small bounded pool. A {@link kvstore.transport.RequestHandler#batched()} handler runs
 * on the event loop and its responses wait for the end of the read, after one
 * {@code afterBatch} hook (a replica's commit-log write). Request futures complete on event loop
 * threads. Frames written from any thread go through a per-connection outbox that one event-loop
 * task drains and flushes once; requests on a connection are timed out by a sweep of the
 * connection every few milliseconds rather than by a timer each.
 *
 * <h2>Order</h2>
 * Requests one thread sends to a peer reach it in the order sent, and batched handlers serve them in
 * that order: sends waiting for a connection are handed to it before later ones. The exception is the
 * moment a new connection replaces an old one (both nodes dialled at once): a request still on the
 * old one may be served after a later one sent on the new one.
 *
 * <h2>Tests</h2>
 * {@link kvstore.transport.FaultInjector} partitions (drop) or slows (delay) traffic with a named
 * peer, deterministically, for multi-node tests in one JVM over real sockets.
 */
package kvstore.transport;
