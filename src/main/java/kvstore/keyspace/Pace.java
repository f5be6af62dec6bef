package kvstore.keyspace;

/** How a command may wait for other nodes (a ring's replicas). One node never waits for any. */
public enum Pace {
    /** Every read and write waits for its quorum before the command goes on. */
    WAIT,
    /** Reads wait for R; writes go on before their W acknowledgements, which the reply waits for. */
    DEFER_ACKS,
    /**
     * As {@link #DEFER_ACKS}, and the command runs where it must not wait at all (an event loop):
     * where it would, it stops with {@link WouldWaitException} if it has not written anything yet,
     * so that it can run again where it may wait.
     */
    NEVER_WAIT
}
