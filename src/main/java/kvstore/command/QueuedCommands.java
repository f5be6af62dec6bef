package kvstore.command;

import io.netty.buffer.ByteBuf;
import kvstore.resp.Reply;

import java.util.List;

/**
 * What EXEC returns to the dispatcher when the transaction may run: the commands queued since MULTI,
 * in order. The dispatcher runs them and replies with their replies; this is never written out.
 */
final class QueuedCommands extends Reply {
    private final List<byte[][]> commands;

    QueuedCommands(List<byte[][]> commands) {
        this.commands = commands;
    }

    List<byte[][]> commands() {
        return commands;
    }

    @Override
    public void write(ByteBuf out, int proto) {
        throw new IllegalStateException("EXEC's commands are run by the dispatcher");
    }
}
