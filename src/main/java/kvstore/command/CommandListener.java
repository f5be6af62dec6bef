package kvstore.command;

/** Told of every command once it has run (MONITOR, INFO persistence); must be cheap when nobody listens. */
public interface CommandListener {
    void commandRan(Session session, CommandSpec spec, byte[][] argv);
}
