package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.List;

/** The reply to "X HELP", formatted as Redis's addReplyHelp: status lines, HELP itself last. */
final class Help {
    private Help() {
    }

    static Reply reply(String command, String... lines) {
        List<Reply> out = new ArrayList<>(lines.length + 3);
        out.add(new SimpleReply(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
        for (String l : lines) {
            out.add(new SimpleReply(l));
        }
        out.add(new SimpleReply("HELP"));
        out.add(new SimpleReply("    Prints this help."));
        return ArrayReply.of(out);
    }
}
