package kvstore.command;

/** Told of every command about to run (MONITOR); must be cheap when nobody listens. */
public interface CommandListener {
    void beforeCommand(Session session, CommandSpec spec, byte[][] argv);
}
