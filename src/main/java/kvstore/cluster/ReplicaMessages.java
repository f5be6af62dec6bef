package kvstore.cluster;

import kvstore.version.ContextCodec;
import kvstore.version.SiblingSet;
import kvstore.version.SiblingSetCodec;
import kvstore.version.VersionVector;

import java.nio.ByteBuffer;

/**
 * The replica protocol's message types and payloads on the peer transport. Big-endian throughout.
 *
 * <pre>
 * READ       request:  storage key bytes (the whole payload)
 *            response: empty (no such key) or a sibling set ({@link SiblingSetCodec})
 * MERGE      request:  i32 key length, storage key, sibling set
 *            response: empty (merged and stored)
 * COORDINATE request:  i32 key length, storage key, u8 flags (1 = tombstone, 2 = has context),
 *                      u8 W, [i32 length, context ({@link SiblingSetCodec#encodeClock})],
 *                      i64 expireAt, u8 type, i32 value length, value
 *            response: u8 0 then the written sibling set, or u8 1 then the error reply text (UTF-8)
 * SCAN       request:  i32 db, i32 from slot, i32 to slot (exclusive), i32 count
 *            response: i32 next slot, i32 n, n times (i32 length, user key)
 * SIZE       request:  i32 db
 *            response: i64 keys this node holds in db (its DBSIZE counter)
 * HINT       request:  i16 length, UTF-8 name of the replica the write is for, then a MERGE request
 *            response: empty (stored as a durable hint for that replica; sloppy quorum)
 * JOIN       request:  a node's entry in cluster-nodes form (UTF-8)
 *            response: i64 membership version, i32 length, the members in cluster-nodes form
 * RANGE      request:  i32 length, first storage key (inclusive), i32 length, end key (exclusive),
 *                      i32 limit
 *            response: u8 1 if the limit cut the range short, i32 n, n times (i32 length, storage
 *                      key, i32 length, sibling set); tombstones included ({@link RangeRead})
 * </pre>
 */
final class ReplicaMessages {
    static final int READ = 40;
    static final int MERGE = 41;
    static final int COORDINATE = 42;
    static final int SCAN = 43;
    static final int SIZE = 44;
    static final int RANGE = 45;
    static final int HINT = 46;
    static final int JOIN = 53;

    private ReplicaMessages() {
    }

    static byte[] merge(byte[] sk, SiblingSet set) {
        ByteBuffer b = ByteBuffer.allocate(4 + sk.length + SiblingSetCodec.size(set));
        b.putInt(sk.length).put(sk);
        SiblingSetCodec.write(b, set);
        return b.array();
    }

    static byte[] hint(String target, byte[] mergePayload) {
        byte[] name = target.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + name.length + mergePayload.length).putShort((short) name.length).put(name)
                .put(mergePayload).array();
    }

    /** A write for a replica to coordinate. */
    record Write(byte[] sk, VersionVector context, int w, long expireAt, byte type, byte[] value) {
        byte[] encode() {
            byte[] ctx = context == null ? null : ContextCodec.encode(context);
            ByteBuffer b = ByteBuffer.allocate(4 + sk.length + 2 + (ctx == null ? 0 : 4 + ctx.length) + 8 + 1 + 4
                    + (value == null ? 0 : value.length));
            b.putInt(sk.length).put(sk);
            b.put((byte) ((value == null ? 1 : 0) | (ctx == null ? 0 : 2))).put((byte) w);
            if (ctx != null) {
                b.putInt(ctx.length).put(ctx);
            }
            b.putLong(expireAt).put(type);
            if (value == null) {
                b.putInt(0);
            } else {
                b.putInt(value.length).put(value);
            }
            return b.array();
        }

        static Write decode(byte[] payload) {
            ByteBuffer b = ByteBuffer.wrap(payload);
            byte[] sk = bytes(b, b.getInt());
            int flags = b.get();
            int w = b.get() & 0xff;
            VersionVector ctx = (flags & 2) != 0 ? ContextCodec.decode(bytes(b, b.getInt())) : null;
            long expireAt = b.getLong();
            byte type = b.get();
            byte[] value = bytes(b, b.getInt());
            return new Write(sk, ctx, w, expireAt, type, (flags & 1) != 0 ? null : value);
        }
    }

    static byte[] bytes(ByteBuffer b, int n) {
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("bad length " + n);
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }
}
