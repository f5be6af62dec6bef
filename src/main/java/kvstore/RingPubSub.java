package kvstore;

import kvstore.cluster.ClusterNode;
import kvstore.cluster.RingMember;
import kvstore.command.CommandContext;
import kvstore.transport.PeerTransport;
import kvstore.transport.RequestHandler;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Pub/Sub across a ring: a message PUBLISHed on one node goes to every other member as a one-way
 * peer message and is delivered there to the local subscribers, as Redis Cluster propagates PUBLISH.
 * Best effort: a member that is down or unreachable misses the message, as a disconnected subscriber
 * would.
 *
 * <p>Payload: [shard u8 (0/1)][channel length u32][channel][message].
 */
final class RingPubSub {
    /** Peer message type; the ids 40-53 belong to the cluster package. */
    static final int PUBLISH = 54;

    private RingPubSub() {
    }

    static void attach(ClusterNode cluster, CommandContext ctx) {
        PeerTransport transport = cluster.transport();
        if (transport == null) {
            return; // a single node: nobody to tell
        }
        transport.register(PUBLISH, RequestHandler.nonBlocking((peer, payload) -> {
            ByteBuffer b = ByteBuffer.wrap(payload);
            boolean shard = b.get() != 0;
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) {
                throw new IllegalArgumentException("bad PUBLISH payload");
            }
            byte[] channel = Arrays.copyOfRange(payload, 5, 5 + n);
            byte[] message = Arrays.copyOfRange(payload, 5 + n, payload.length);
            ctx.deliverPublished(channel, message, shard);
            return CompletableFuture.completedFuture(null);
        }));
        String self = cluster.topology().nodeName();
        ctx.relayPublishes((channel, message, shard) -> {
            byte[] payload = ByteBuffer.allocate(5 + channel.length + message.length)
                    .put((byte) (shard ? 1 : 0)).putInt(channel.length).put(channel).put(message).array();
            for (RingMember m : cluster.topology().ring().members()) {
                if (!m.name().equals(self)) {
                    transport.send(m.name(), PUBLISH, payload);
                }
            }
        });
    }
}
