package kvstore.cluster;

import kvstore.keyspace.CounterKind;
import kvstore.version.SiblingSet;
import kvstore.version.Version;
import kvstore.version.VersionVector;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The per-replica counters: three replicas increment one counter, each from whatever (possibly stale)
 * state it read, and exchange their sets in random order; once all have merged, the value is the
 * start plus every acknowledged increment, on every replica, whatever the order.
 */
class CountersTest {
    private static final byte STRING = 0;

    /** One replica's increment as the coordinator and replica do it: read, make the op, apply locally. */
    private static SiblingSet increment(SiblingSet local, SiblingSet read, long actor, long ts, long delta) {
        Version winner = read == null ? null : RingElements.readWinner(read, Long.MAX_VALUE - 1);
        BigDecimal before = winner == null ? BigDecimal.ZERO
                : new BigDecimal(new String(value(read, winner), StandardCharsets.US_ASCII));
        byte[] after = BigDecimal.valueOf(delta).add(before).toPlainString().getBytes(StandardCharsets.US_ASCII);
        byte[] op = Counters.op(read, winner, CounterKind.INTEGER, before, BigDecimal.valueOf(delta), after);
        Counters.Applied applied = Counters.apply(local, read == null ? VersionVector.EMPTY : read.clock(), op, actor);
        return SiblingSet.write(local, applied.context(), actor, ts, 0, Counters.TYPE, applied.value());
    }

    private static byte[] value(SiblingSet set, Version winner) {
        return winner.type() == Counters.TYPE ? Counters.render(set, winner) : winner.value();
    }

    private static long read(SiblingSet set) {
        Version w = RingElements.readWinner(set, Long.MAX_VALUE - 1);
        return Long.parseLong(new String(value(set, w), StandardCharsets.US_ASCII));
    }

    @RepeatedTest(200)
    void everyIncrementCountsWhateverTheReadsAndMergeOrder(RepetitionInfo info) {
        Random rnd = new Random(info.getCurrentRepetition());
        SiblingSet start = SiblingSet.write(null, VersionVector.EMPTY, 9, 1, 0, STRING, "10".getBytes());
        SiblingSet[] replicas = {start, start, start};
        long expected = 10;
        long ts = 2;
        for (int step = 0; step < 30; step++) {
            int r = rnd.nextInt(3);
            if (rnd.nextInt(3) == 0) {
                replicas[r] = replicas[r].merge(replicas[rnd.nextInt(3)]);
                continue;
            }
            // the command's read: this replica's copy, or a stale or fresher one of another replica
            SiblingSet read = replicas[rnd.nextInt(3)];
            long delta = rnd.nextInt(21) - 10;
            replicas[r] = increment(replicas[r], read, r + 1, ts++, delta);
            expected += delta;
        }
        SiblingSet all = replicas[0].merge(replicas[1]).merge(replicas[2]);
        assertEquals(expected, read(all));
        assertEquals(expected, read(replicas[2].merge(replicas[0]).merge(replicas[1])));
    }

    @Test
    void oneVersionShowsWhatItsWriterComputed() {
        SiblingSet s = null;
        for (int i = 0; i < 3; i++) {
            Version w = s == null ? null : s.winner();
            BigDecimal before = w == null ? BigDecimal.ZERO : new BigDecimal(new String(Counters.render(s, w)));
            byte[] after = ("0." + (i + 1)).getBytes(StandardCharsets.US_ASCII);
            byte[] op = Counters.op(s, w, CounterKind.DECIMAL, before, new BigDecimal("0.1"), after);
            Counters.Applied a = Counters.apply(s, s == null ? VersionVector.EMPTY : s.clock(), op, 1);
            s = SiblingSet.write(s, a.context(), 1, i + 1, 0, Counters.TYPE, a.value());
        }
        assertEquals(1, s.size());
        assertEquals("0.3", new String(Counters.render(s, s.winner()), StandardCharsets.US_ASCII));
    }
}
