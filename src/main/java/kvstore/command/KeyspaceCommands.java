package kvstore.command;

import kvstore.keyspace.Keyspace;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.READONLY;
import static kvstore.command.CommandFlag.WRITE;

/** The generic keyspace commands: DEL, EXISTS, TTL and the rest of Redis's generic group. */
final class KeyspaceCommands {
    private final Keyspace ks;

    KeyspaceCommands(CommandContext ctx) {
        this.ks = ctx.keyspace();
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("del", -2, this::del).flags(WRITE).keys(1, -1, 1)
                .categories("keyspace", "write", "slow").doc("Deletes one or more keys.", "1.0.0").build());
        t.add(CommandSpec.builder("exists", -2, this::exists).flags(READONLY, FAST).keys(1, -1, 1)
                .categories("keyspace", "read", "fast").doc("Determines whether one or more keys exist.", "1.0.0").build());
    }

    private Reply del(Session s, byte[][] a) {
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            if (ks.delete(s.db(), a[i])) {
                n++;
            }
        }
        return IntegerReply.of(n);
    }

    private Reply exists(Session s, byte[][] a) {
        long n = 0;
        for (int i = 1; i < a.length; i++) {
            if (ks.get(s.db(), a[i]) != null) {
                n++;
            }
        }
        return IntegerReply.of(n);
    }
}
