package kvstore.keyspace;

/**
 * Thrown by a keyspace when a command begun with {@link Pace#NEVER_WAIT} reaches a point where it
 * would wait for other nodes before it changed anything: the caller runs it again where it may wait.
 */
public final class WouldWaitException extends RuntimeException {
    public static final WouldWaitException INSTANCE = new WouldWaitException();

    private WouldWaitException() {
        super("the command must wait for other nodes", null, false, false);
    }
}
