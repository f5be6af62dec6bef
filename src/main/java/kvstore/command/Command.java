package kvstore.command;

import kvstore.resp.Reply;

/** The behaviour of one command: arguments in (argv[0] is the command name), reply out. */
@FunctionalInterface
public interface Command {
    Reply execute(Session session, byte[][] argv);
}
