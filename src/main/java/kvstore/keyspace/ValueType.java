package kvstore.keyspace;

/** The Redis type of a stored value. Persisted: each type carries an explicit, never-reused byte id. */
public enum ValueType {
    STRING(0, "string"),
    LIST(1, "list"),
    SET(2, "set"),
    ZSET(3, "zset"),
    HASH(4, "hash");

    private static final ValueType[] BY_ID = new ValueType[5];

    static {
        for (ValueType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final byte id;
    private final String redisName;

    ValueType(int id, String redisName) {
        this.id = (byte) id;
        this.redisName = redisName;
    }

    public byte id() {
        return id;
    }

    /** The name TYPE replies with. */
    public String redisName() {
        return redisName;
    }

    /** True if {@code id} is a hash, set, sorted set or list: a key entry with elements after it. */
    public static boolean isCollection(byte id) {
        return id == LIST.id || id == SET.id || id == ZSET.id || id == HASH.id;
    }

    public static ValueType byId(byte id) {
        if (id < 0 || id >= BY_ID.length || BY_ID[id] == null) {
            throw new IllegalArgumentException("unknown value type id " + id);
        }
        return BY_ID[id];
    }
}
