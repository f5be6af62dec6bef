package kvstore.command;

import io.netty.buffer.ByteBuf;
import kvstore.resp.Reply;

/**
 * What a blocking command (BLPOP, BLMOVE, ...) returns instead of a reply when none of its keys can
 * serve it yet: the keys to wait on and how long. The connection parks the command in
 * {@link BlockingKeys} and runs it again when one of the keys is written; it is never written out.
 */
public final class Blocked extends Reply {
    private final int db;
    private final byte[][] keys;
    private final long timeoutMillis;

    /** {@code timeoutMillis} 0 waits forever. */
    Blocked(int db, byte[][] keys, long timeoutMillis) {
        this.db = db;
        this.keys = keys;
        this.timeoutMillis = timeoutMillis;
    }

    public int db() {
        return db;
    }

    public byte[][] keys() {
        return keys;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        throw new IllegalStateException("a blocked command has no reply yet");
    }
}
