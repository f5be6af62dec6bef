package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.DoubleReply;
import kvstore.resp.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * How Redis 7.0 replies with members and scores: WITHSCORES is one flat array in RESP2 and an array
 * of [member, score] pairs in RESP3 (never a map: order matters); a score is a double reply.
 */
final class ZReplies {
    private ZReplies() {
    }

    static Reply items(List<ZSetStore.Item> items, boolean withScores, int proto) {
        if (items.isEmpty()) {
            return ArrayReply.EMPTY;
        }
        boolean nested = withScores && proto > 2;
        List<Reply> out = new ArrayList<>(withScores && !nested ? items.size() * 2 : items.size());
        for (ZSetStore.Item it : items) {
            if (!withScores) {
                out.add(new BulkReply(it.member()));
            } else if (nested) {
                out.add(ArrayReply.of(new BulkReply(it.member()), new DoubleReply(it.score())));
            } else {
                out.add(new BulkReply(it.member()));
                out.add(new DoubleReply(it.score()));
            }
        }
        return ArrayReply.of(out);
    }
}
