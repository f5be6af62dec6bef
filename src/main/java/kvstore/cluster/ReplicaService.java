package kvstore.cluster;

import kvstore.transport.PeerTransport;
import kvstore.transport.RequestHandler;
import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Serves the replica protocol ({@link ReplicaMessages}) for peers: reads of this node's sibling set
 * of a key, merges of a peer's set into it (replication and read repair), and writes forwarded by a
 * node that is not a replica of the key, which this node then coordinates. Reads and merges do brief
 * local work only, so they run on the transport's event loop, answered in batches after the commit
 * log's write; the other handlers may wait longer and run on its blocking pool.
 */
final class ReplicaService {
    private final LocalReplica replica;
    private final RingCoordinator coordinator;

    ReplicaService(LocalReplica replica, RingCoordinator coordinator) {
        this.replica = replica;
        this.coordinator = coordinator;
    }

    /** Refuses reads of a slot this node is still receiving: the coordinator counts other replicas. */
    private void notReceiving(int slot) {
        if (!coordinator.transfers().ready(slot)) {
            throw new IllegalStateException("slot " + slot + " is still being received");
        }
    }

    void register(PeerTransport transport) {
        transport.register(ReplicaMessages.JOIN, RequestHandler.blocking((peer, spec) ->
                coordinator.admit(new String(spec, StandardCharsets.UTF_8))));
        transport.afterBatch(replica::flushWrites); // merges are in the OS before their acks leave
        transport.register(ReplicaMessages.READ, RequestHandler.batched((peer, sk) -> {
            notReceiving(kvstore.storage.StorageKey.slot(sk));
            SiblingSet set = replica.read(sk);
            SiblingSet hinted = coordinator.handoff().hinted(sk); // held here for a replica that is down
            if (hinted != null) {
                set = set == null ? hinted : set.merge(hinted);
            }
            return set == null ? new byte[0] : SiblingSetCodec.encode(set);
        }));
        transport.register(ReplicaMessages.HINT, RequestHandler.blocking((peer, payload) -> {
            ByteBuffer b = ByteBuffer.wrap(payload);
            String target = new String(ReplicaMessages.bytes(b, b.getShort() & 0xffff), StandardCharsets.UTF_8);
            byte[] sk = ReplicaMessages.bytes(b, b.getInt());
            if (!coordinator.handoff().hint(target, sk, SiblingSetCodec.read(b), true)) {
                throw new IllegalStateException("hints for " + target + " are full");
            }
            return new byte[0];
        }));
        transport.register(ReplicaMessages.MERGE, RequestHandler.batched((peer, payload) -> {
            ByteBuffer b = ByteBuffer.wrap(payload);
            byte[] sk = ReplicaMessages.bytes(b, b.getInt());
            replica.merge(sk, SiblingSetCodec.read(b));
            return new byte[0];
        }));
        transport.register(ReplicaMessages.SCAN, RequestHandler.blocking((peer, payload) -> {
            ByteBuffer b = ByteBuffer.wrap(payload);
            int db = b.getInt();
            int from = b.getInt();
            int to = b.getInt();
            int count = b.getInt();
            java.util.List<byte[]> keys = new java.util.ArrayList<>();
            int next = replica.scanRange(db, from, Math.min(to, KeySlot.SLOTS), count, keys);
            int size = 8;
            for (byte[] k : keys) {
                size += 4 + k.length;
            }
            ByteBuffer out = ByteBuffer.allocate(size).putInt(next).putInt(keys.size());
            for (byte[] k : keys) {
                out.putInt(k.length).put(k);
            }
            return out.array();
        }));
        transport.register(ReplicaMessages.RANGE, RequestHandler.blocking((peer, payload) -> {
            notReceiving(((payload[4] & 0xff) << 8) | (payload[5] & 0xff)); // the first key's slot
            return RangeRead.serve(replica, coordinator.handoff(), payload);
        }));
        transport.register(ReplicaMessages.SIZE, RequestHandler.nonBlocking((peer, payload) ->
                CompletableFuture.completedFuture(ByteBuffer.allocate(8)
                        .putLong(replica.size(ByteBuffer.wrap(payload).getInt())).array())));
        transport.register(ReplicaMessages.COORDINATE, new RequestHandler() {
            @Override
            public CompletableFuture<byte[]> handle(String peer, byte[] payload) {
                CompletableFuture<kvstore.version.SiblingSet> written;
                try {
                    written = coordinator.coordinate(ReplicaMessages.Write.decode(payload));
                } catch (RuntimeException e) {
                    written = CompletableFuture.failedFuture(e); // answered as a reply text below
                }
                return written.handle((set, e) -> {
                    if (e == null) {
                        replica.flushWrites(); // in the OS before the ack leaves
                        byte[] enc = SiblingSetCodec.encode(set);
                        return ByteBuffer.allocate(1 + enc.length).put((byte) 0).put(enc).array();
                    }
                    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    byte[] text = String.valueOf(c.getMessage()).getBytes(StandardCharsets.UTF_8);
                    return ByteBuffer.allocate(1 + text.length).put((byte) 1).put(text).array();
                });
            }

            @Override
            public boolean mayBlock() {
                return true;
            }
        });
    }
}
