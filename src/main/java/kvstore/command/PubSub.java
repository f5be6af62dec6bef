package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.Reply;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's Pub/Sub channels and patterns, and who listens (Redis pubsub.c): PUBLISH hands the
 * message to every connection subscribed to the channel and to every pattern matching it, once per
 * subscription. Shard channels (SSUBSCRIBE, SPUBLISH) are a separate namespace without patterns.
 */
final class PubSub {
    static final BulkReply MESSAGE = BulkReply.of("message");
    static final BulkReply PMESSAGE = BulkReply.of("pmessage");
    static final BulkReply SMESSAGE = BulkReply.of("smessage");

    private final Map<ByteBuffer, Set<Subscriptions>> channels = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Set<Subscriptions>> shardChannels = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Set<Subscriptions>> patterns = new ConcurrentHashMap<>();
    /** The other nodes of a ring; null on a single node. */
    private volatile PublishRelay relay;

    void relay(PublishRelay r) {
        relay = r;
    }

    /** PUBLISH / SPUBLISH here: this node's subscribers, counted, and the other nodes' through the relay. */
    int publishHere(byte[] channel, byte[] message, boolean shard) {
        int receivers = publish(channel, message, shard);
        PublishRelay r = relay;
        if (r != null) {
            r.relay(channel, message, shard);
        }
        return receivers;
    }

    private Map<ByteBuffer, Set<Subscriptions>> of(boolean shard) {
        return shard ? shardChannels : channels;
    }

    /** True if newly subscribed. */
    boolean subscribe(Subscriptions s, ByteBuffer channel, boolean shard) {
        synchronized (s) {
            s.registry = this;
            if (!(shard ? s.shardChannels : s.channels).add(channel)) {
                return false;
            }
            s.recount();
        }
        add(of(shard), channel, s);
        return true;
    }

    boolean unsubscribe(Subscriptions s, ByteBuffer channel, boolean shard) {
        synchronized (s) {
            if (!(shard ? s.shardChannels : s.channels).remove(channel)) {
                return false;
            }
            s.recount();
        }
        of(shard).computeIfPresent(channel, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
        return true;
    }

    boolean psubscribe(Subscriptions s, ByteBuffer pattern) {
        synchronized (s) {
            s.registry = this;
            if (!s.patterns.add(pattern)) {
                return false;
            }
            s.recount();
        }
        add(patterns, pattern, s);
        return true;
    }

    boolean punsubscribe(Subscriptions s, ByteBuffer pattern) {
        synchronized (s) {
            if (!s.patterns.remove(pattern)) {
                return false;
            }
            s.recount();
        }
        patterns.computeIfPresent(pattern, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
        return true;
    }

    /**
     * Delivers {@code message} to this node's subscribers of the channel (and, unless shard, of
     * matching patterns); how many got it.
     */
    int publish(byte[] channel, byte[] message, boolean shard) {
        int receivers = 0;
        Set<Subscriptions> subs = of(shard).get(ByteBuffer.wrap(channel));
        if (subs != null) {
            Reply m = ArrayReply.push(List.of(shard ? SMESSAGE : MESSAGE, new BulkReply(channel), new BulkReply(message)));
            for (Subscriptions s : subs) {
                s.deliver(m);
                receivers++;
            }
        }
        if (shard) {
            return receivers;
        }
        for (Map.Entry<ByteBuffer, Set<Subscriptions>> p : patterns.entrySet()) {
            byte[] pattern = bytes(p.getKey());
            if (!GlobPattern.matches(pattern, channel)) {
                continue;
            }
            Reply m = ArrayReply.push(List.of(PMESSAGE, new BulkReply(pattern), new BulkReply(channel),
                    new BulkReply(message)));
            for (Subscriptions s : p.getValue()) {
                s.deliver(m);
                receivers++;
            }
        }
        return receivers;
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS: the channels with a subscriber matching {@code pattern} (null: all). */
    List<byte[]> channels(byte[] pattern, boolean shard) {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuffer c : of(shard).keySet()) {
            byte[] b = bytes(c);
            if (pattern == null || GlobPattern.matches(pattern, b)) {
                out.add(b);
            }
        }
        return out;
    }

    int subscribers(byte[] channel, boolean shard) {
        Set<Subscriptions> s = of(shard).get(ByteBuffer.wrap(channel));
        return s == null ? 0 : s.size();
    }

    int channelCount(boolean shard) {
        return of(shard).size();
    }

    int patternCount() {
        return patterns.size();
    }

    /** Adds within the map's atomic update of the key, so that a concurrent removal of its last subscriber cannot drop it. */
    private static void add(Map<ByteBuffer, Set<Subscriptions>> map, ByteBuffer key, Subscriptions s) {
        map.compute(key, (k, set) -> {
            Set<Subscriptions> out = set != null ? set : ConcurrentHashMap.newKeySet();
            out.add(s);
            return out;
        });
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
