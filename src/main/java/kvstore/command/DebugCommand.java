package kvstore.command;

import kvstore.resp.ErrorReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.Locale;

import static kvstore.command.CommandFlag.ADMIN;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.STALE;

/**
 * DEBUG SLEEP, DEBUG SET-ACTIVE-EXPIRE and DEBUG HELP. Like Redis 7, DEBUG is refused unless
 * enable-debug-command is "yes" (or "local" and the client is on the loopback interface).
 */
final class DebugCommand {
    private static final ErrorReply NOT_ALLOWED = ErrorReply.err("DEBUG command not allowed. If the "
            + "enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you "
            + "need to set this option in the configuration file, and then restart the server.");

    private final CommandContext ctx;

    DebugCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("debug", -2, this::debug).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                .categories("admin", "slow", "dangerous").group("server")
                .doc("A container for debugging commands", "1.0.0").build());
    }

    private boolean allowed(Session s) {
        String mode = ctx.config().get("enable-debug-command");
        if (mode.equals("yes")) {
            return true;
        }
        if (mode.equals("local")) {
            String addr = s.address();
            return addr.startsWith("127.") || addr.startsWith("0:0:0:0:0:0:0:1") || addr.startsWith("::1");
        }
        return false;
    }

    private Reply debug(Session s, byte[][] a) {
        if (!allowed(s)) {
            return NOT_ALLOWED;
        }
        if (a.length == 2 && Args.is(a[1], "help")) {
            return Help.reply("DEBUG",
                    "SET-ACTIVE-EXPIRE <0|1>",
                    "    Setting it to 0 disables expiring keys in background when they are not accessed (otherwise the",
                    "    Redis behavior). Setting it to 1 reenables back the default.",
                    "SLEEP <seconds>",
                    "    Stop the server for <seconds>. Decimals allowed.");
        }
        if (a.length == 3 && Args.is(a[1], "sleep")) {
            // strtod semantics: what does not parse counts as 0
            double seconds = leadingDouble(Args.str(a[2]));
            long micros = (long) (seconds * 1_000_000);
            if (micros > 0) {
                try {
                    Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return SimpleReply.OK;
        }
        if (a.length == 3 && Args.is(a[1], "set-active-expire")) {
            // atoi semantics: any non-zero leading number enables it
            ctx.keyspace().setActiveExpire((long) leadingDouble(Args.str(a[2])) != 0);
            return SimpleReply.OK;
        }
        return ErrorReply.err("unknown subcommand or wrong number of arguments for '" + Args.str(a[1])
                + "'. Try DEBUG HELP.");
    }

    /** The number at the start of {@code s}, 0 if none (C's strtod / atoi leniency). */
    static double leadingDouble(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < t.length() && "0123456789+-.e".indexOf(t.charAt(end)) >= 0) {
            end++;
        }
        for (int e = end; e > 0; e--) {
            try {
                return Double.parseDouble(t.substring(0, e));
            } catch (NumberFormatException ignored) {
                // try a shorter prefix
            }
        }
        return 0;
    }
}
