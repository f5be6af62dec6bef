package kvstore.command;

/** Command flags, named as COMMAND INFO reports them. */
public enum CommandFlag {
    WRITE("write"),
    READONLY("readonly"),
    DENYOOM("denyoom"),
    ADMIN("admin"),
    PUBSUB("pubsub"),
    NOSCRIPT("noscript"),
    BLOCKING("blocking"),
    LOADING("loading"),
    STALE("stale"),
    SKIP_MONITOR("skip_monitor"),
    SKIP_SLOWLOG("skip_slowlog"),
    FAST("fast"),
    NO_AUTH("no_auth"),
    MAY_REPLICATE("may_replicate"),
    NO_MANDATORY_KEYS("no_mandatory_keys"),
    /** Refused between MULTI and EXEC. */
    NO_MULTI("no_multi"),
    ALLOW_BUSY("allow_busy"),
    /** Keys found from the arguments (a count, an option), not at fixed positions; shown last, as Redis does. */
    MOVABLE_KEYS("movablekeys");

    private final String redisName;

    CommandFlag(String redisName) {
        this.redisName = redisName;
    }

    public String redisName() {
        return redisName;
    }
}
