package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.ADMIN;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.STALE;

/** SLOWLOG GET [count] | LEN | RESET | HELP. */
final class SlowlogCommand {
    private final CommandContext ctx;

    SlowlogCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        CommandSpec slowlog = CommandSpec.builder("slowlog", -2, null).categories("slow").group("server")
                .doc("A container for slow log commands", "2.2.12").build();
        slowlog.subcommand(admin("get", -2, this::get, "Get the slow log's entries", "2.2.12"));
        slowlog.subcommand(admin("len", 2, (s, a) -> IntegerReply.of(ctx.slowlog().size()),
                "Get the slow log's length", "2.2.12"));
        slowlog.subcommand(admin("reset", 2, (s, a) -> {
            ctx.slowlog().reset();
            return SimpleReply.OK;
        }, "Clear all entries from the slow log", "2.2.12"));
        slowlog.subcommand(CommandSpec.builder("help", 2, this::help).flags(LOADING, STALE).categories("slow")
                .group("server").doc("Show helpful text about the different subcommands", "6.2.0").build());
        t.add(slowlog);
    }

    private static CommandSpec admin(String name, int arity, Command c, String summary, String since) {
        return CommandSpec.builder(name, arity, c).flags(ADMIN, LOADING, STALE).categories("admin", "slow", "dangerous")
                .group("server").doc(summary, since).build();
    }

    private Reply get(Session s, byte[][] a) {
        if (a.length > 3) {
            return ErrorReply.err("unknown subcommand or wrong number of arguments for '" + Args.str(a[1]) + "'. Try SLOWLOG HELP.");
        }
        long count = 10;
        if (a.length == 3) {
            count = Args.parseLong(a[2]);
            if (count == Args.INVALID || count < -1) {
                return ErrorReply.err("count should be greater than or equal to -1");
            }
        }
        List<Reply> entries = new ArrayList<>();
        for (Slowlog.Item i : ctx.slowlog().newest(count)) {
            List<Reply> args = new ArrayList<>(i.args().size());
            for (byte[] arg : i.args()) {
                args.add(new BulkReply(arg));
            }
            entries.add(ArrayReply.of(IntegerReply.of(i.id()), IntegerReply.of(i.unixSeconds()),
                    IntegerReply.of(i.micros()), ArrayReply.of(args), BulkReply.of(i.address()),
                    BulkReply.of(i.clientName())));
        }
        return ArrayReply.of(entries);
    }

    private Reply help(Session s, byte[][] a) {
        return Help.reply("SLOWLOG",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.");
    }
}
