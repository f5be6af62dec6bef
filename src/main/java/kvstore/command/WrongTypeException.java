package kvstore.command;

/** Thrown inside a command when a key holds another type; the dispatcher answers it with -WRONGTYPE. */
final class WrongTypeException extends RuntimeException {
    WrongTypeException() {
        super(null, null, false, false);
    }
}
