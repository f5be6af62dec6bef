package kvstore.command;

import kvstore.resp.Reply;

import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One connection's Pub/Sub subscriptions (channels, patterns and shard channels) and where messages
 * for it go. Changed by the connection's own commands, and emptied when it closes or RESETs.
 */
public final class Subscriptions {
    final Set<ByteBuffer> channels = new LinkedHashSet<>();
    final Set<ByteBuffer> patterns = new LinkedHashSet<>();
    final Set<ByteBuffer> shardChannels = new LinkedHashSet<>();
    /** Channels, patterns and shard channels in all; read on every command without the lock. */
    private volatile int total;
    /** Where the registered subscriptions are; set by the first subscription. */
    PubSub registry;
    /** Writes a message to the connection (any thread). Set by the connection's handler. */
    private volatile Consumer<Reply> sink = r -> { };

    public void sink(Consumer<Reply> s) {
        sink = s;
    }

    void deliver(Reply message) {
        sink.accept(message);
    }

    /** True while subscribed to anything: a RESP2 connection then takes only the Pub/Sub commands. */
    public boolean active() {
        return total > 0;
    }

    /** Called under this object's lock after the sets changed. */
    void recount() {
        total = channels.size() + patterns.size() + shardChannels.size();
    }

    /** CLIENT LIST's sub=, psub= and ssub= counts. */
    public synchronized int[] counts() {
        return new int[] {channels.size(), patterns.size(), shardChannels.size()};
    }

    /** Leaves every channel and pattern without telling the client (RESET, a closed connection). */
    public void clear() {
        PubSub r;
        List<ByteBuffer> ch;
        List<ByteBuffer> pat;
        List<ByteBuffer> shard;
        synchronized (this) {
            r = registry;
            ch = List.copyOf(channels);
            pat = List.copyOf(patterns);
            shard = List.copyOf(shardChannels);
        }
        if (r != null) {
            ch.forEach(c -> r.unsubscribe(this, c, false));
            pat.forEach(p -> r.punsubscribe(this, p));
            shard.forEach(c -> r.unsubscribe(this, c, true));
        }
    }
}
