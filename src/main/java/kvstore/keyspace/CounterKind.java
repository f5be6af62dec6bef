package kvstore.keyspace;

/**
 * How a replicated counter shows its value: the form its command reads and writes. Persisted in
 * counter versions with explicit byte ids.
 */
public enum CounterKind {
    /** INCR, INCRBY, DECR, DECRBY, HINCRBY: decimal integer text. */
    INTEGER(0),
    /** INCRBYFLOAT, HINCRBYFLOAT: decimal text, as Redis prints a long double. */
    DECIMAL(1),
    /** ZINCRBY, ZADD INCR: a sorted-set member's score, an 8-byte IEEE double. */
    SCORE(2);

    private final byte id;

    CounterKind(int id) {
        this.id = (byte) id;
    }

    public byte id() {
        return id;
    }

    public static CounterKind byId(byte id) {
        for (CounterKind k : values()) {
            if (k.id == id) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown counter kind " + id);
    }
}
