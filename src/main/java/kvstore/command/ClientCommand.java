package kvstore.command;

import kvstore.resp.ErrorReply;

/** CLIENT and its subcommands. */
final class ClientCommand {
    private ClientCommand() {
    }

    /** Redis accepts names of printable non-space ASCII only; null if {@code name} is fine. */
    static ErrorReply validateName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '!' || c > '~') {
                return ErrorReply.err("Client names cannot contain spaces, newlines or special characters.");
            }
        }
        return null;
    }
}
