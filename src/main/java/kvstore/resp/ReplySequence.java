package kvstore.resp;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * Several top-level replies written back to back for one command: SUBSCRIBE answers once per
 * channel, as Redis does.
 */
public final class ReplySequence extends Reply {
    private final List<? extends Reply> replies;

    public ReplySequence(List<? extends Reply> replies) {
        this.replies = replies;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        for (Reply r : replies) {
            r.write(out, proto);
        }
    }
}
