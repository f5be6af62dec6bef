package kvstore.command;

import java.util.Arrays;

/**
 * The two kinds of value ranges sorted-set commands take, parsed as Redis's zslParseRange and
 * zslParseLexRange do: scores "1", "(1", "-inf", "+inf" and member bounds "[a", "(a", "-", "+".
 */
final class ZRangeSpec {
    private ZRangeSpec() {
    }

    /** A score interval; an exclusive end is written "(x". */
    record Score(double min, boolean minEx, double max, boolean maxEx) {
        /** zslParseRange; null if either bound is not a float. */
        static Score parse(byte[] min, byte[] max) {
            try {
                boolean minEx = min.length > 0 && min[0] == '(';
                boolean maxEx = max.length > 0 && max[0] == '(';
                double lo = ZScore.parseBound(min, minEx ? 1 : 0);
                double hi = ZScore.parseBound(max, maxEx ? 1 : 0);
                return new Score(lo, minEx, hi, maxEx);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        boolean empty() {
            return min > max || (min == max && (minEx || maxEx));
        }

        boolean aboveMin(double v) {
            return minEx ? v > min : v >= min;
        }

        boolean belowMax(double v) {
            return maxEx ? v < max : v <= max;
        }

        /** Where a forward walk of the index starts: the first entry with score >= min. */
        byte[] seek() {
            return ZSetStore.indexSeek(min);
        }
    }

    /**
     * A member interval. A bound is a member (inf 0) or one of Redis's sentinels: "-" (inf -1, below
     * every member) and "+" (inf 1, above every member); both sentinels are exclusive, as in Redis.
     */
    record Lex(byte[] min, int minInf, boolean minEx, byte[] max, int maxInf, boolean maxEx) {
        /** zslParseLexRange; null if either bound is not a valid item. */
        static Lex parse(byte[] min, byte[] max) {
            int lo = kind(min);
            int hi = kind(max);
            if (lo == 0 || hi == 0) {
                return null;
            }
            return new Lex(body(min, lo), inf(lo), lo != '[', body(max, hi), inf(hi), hi != '[');
        }

        private static int kind(byte[] b) {
            if (b.length == 0) {
                return 0;
            }
            return switch (b[0]) {
                case '+', '-' -> b.length == 1 ? b[0] : 0;
                case '(', '[' -> b[0];
                default -> 0;
            };
        }

        private static int inf(int kind) {
            return kind == '-' ? -1 : kind == '+' ? 1 : 0;
        }

        private static byte[] body(byte[] b, int kind) {
            return kind == '(' || kind == '[' ? Arrays.copyOfRange(b, 1, b.length) : null;
        }

        /** Redis's sdscmplex between the two bounds. */
        private int compareBounds() {
            if (minInf != 0 && minInf == maxInf) {
                return 0;
            }
            if (minInf == -1 || maxInf == 1) {
                return -1;
            }
            if (minInf == 1 || maxInf == -1) {
                return 1;
            }
            return Arrays.compareUnsigned(min, max);
        }

        private static int compare(byte[] value, byte[] bound, int inf) {
            return inf != 0 ? -inf : Arrays.compareUnsigned(value, bound);
        }

        boolean empty() {
            int c = compareBounds();
            return c > 0 || (c == 0 && (minEx || maxEx));
        }

        boolean aboveMin(byte[] v) {
            int c = compare(v, min, minInf);
            return minEx ? c > 0 : c >= 0;
        }

        boolean belowMax(byte[] v) {
            int c = compare(v, max, maxInf);
            return maxEx ? c < 0 : c <= 0;
        }
    }
}
