package kvstore.command;

/** Thrown inside a command when a key holds another type; the dispatcher does not see it (commands catch it). */
final class WrongTypeException extends RuntimeException {
    WrongTypeException() {
        super(null, null, false, false);
    }
}
