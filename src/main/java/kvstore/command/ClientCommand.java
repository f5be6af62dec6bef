package kvstore.command;

import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;
import kvstore.resp.VerbatimReply;

import java.util.Locale;

import static kvstore.command.CommandFlag.ADMIN;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.STALE;

/** CLIENT and its subcommands, as Redis 7.0 has them (plus SETINFO from 7.2, which Jedis 5 sends). */
final class ClientCommand {
    private static final ErrorReply NO_SUCH_CLIENT = ErrorReply.err("No such client");

    private final CommandContext ctx;

    ClientCommand(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        CommandSpec client = CommandSpec.builder("client", -2, null).categories("slow").group("connection")
                .doc("A container for client connection commands", "2.4.0").build();
        client.subcommand(sub("id", 2, this::id, false, "Returns the client ID for the current connection", "5.0.0"));
        client.subcommand(sub("setname", 3, this::setName, false, "Set the current connection name", "2.6.9"));
        client.subcommand(sub("getname", 2, this::getName, false, "Get the current connection name", "2.6.9"));
        client.subcommand(sub("setinfo", 4, this::setInfo, false,
                "Set client or connection specific info", "7.2.0"));
        client.subcommand(sub("list", -2, this::list, true, "Get the list of client connections", "2.4.0"));
        client.subcommand(sub("info", 2, this::info, false, "Returns information about the current client connection.", "6.2.0"));
        client.subcommand(sub("kill", -3, this::kill, true, "Kill the connection of a client", "2.4.0"));
        client.subcommand(sub("reply", 3, this::reply, false, "Instruct the server whether to reply to commands", "3.2.0"));
        client.subcommand(sub("unblock", -3, this::unblock, true,
                "Unblock a client blocked in a blocking command from a different connection", "5.0.0"));
        client.subcommand(sub("no-evict", 3, this::noEvict, true,
                "Set client eviction mode for the current connection", "7.0.0"));
        client.subcommand(CommandSpec.builder("help", 2, this::help).flags(LOADING, STALE)
                .categories("slow", "connection").group("connection").doc("Show helpful text about the different subcommands", "5.0.0").build());
        t.add(client);
    }

    private static CommandSpec sub(String name, int arity, Command c, boolean admin, String summary, String since) {
        CommandSpec.Builder b = CommandSpec.builder(name, arity, c).group("connection").doc(summary, since);
        if (admin) {
            b.flags(ADMIN, NOSCRIPT, LOADING, STALE).categories("admin", "slow", "dangerous", "connection");
        } else {
            b.flags(NOSCRIPT, LOADING, STALE).categories("slow", "connection");
        }
        return b.build();
    }

    /** Redis accepts names of printable non-space ASCII only; null if {@code name} is fine. */
    static ErrorReply validateName(String name) {
        return validAttr(name) ? null : ErrorReply.err("Client names cannot contain spaces, newlines or special characters.");
    }

    private static boolean validAttr(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private Reply id(Session s, byte[][] a) {
        return IntegerReply.of(s.id());
    }

    private Reply setName(Session s, byte[][] a) {
        String name = Args.str(a[2]);
        ErrorReply bad = validateName(name);
        if (bad != null) {
            return bad;
        }
        s.setName(name.isEmpty() ? null : name);
        return SimpleReply.OK;
    }

    private Reply getName(Session s, byte[][] a) {
        return s.name() == null ? NullReply.BULK : new BulkReply(s.name().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private Reply setInfo(Session s, byte[][] a) {
        String attr = Args.str(a[2]);
        String value = Args.str(a[3]);
        boolean libName = Args.is(a[2], "lib-name");
        if (!libName && !Args.is(a[2], "lib-ver")) {
            return ErrorReply.err("Unrecognized option '" + attr + "'");
        }
        if (!validAttr(value)) {
            return ErrorReply.err(attr + " cannot contain spaces, newlines or special characters.");
        }
        if (libName) {
            s.setLibInfo(value, null);
        } else {
            s.setLibInfo(null, value);
        }
        return SimpleReply.OK;
    }

    private Reply list(Session s, byte[][] a) {
        StringBuilder out = new StringBuilder();
        if (a.length == 4 && Args.is(a[2], "type")) {
            String type = Args.str(a[3]).toLowerCase(Locale.ROOT);
            if (!isClientType(type)) {
                return ErrorReply.err("Unknown client type '" + Args.str(a[3]) + "'");
            }
            // every kvstore connection is a normal client: no replicas, masters or pub/sub clients
            if (type.equals("normal")) {
                appendAll(out);
            }
        } else if (a.length > 3 && Args.is(a[2], "id")) {
            for (int i = 3; i < a.length; i++) {
                long id;
                try {
                    id = Args.longValue(a[i]);
                } catch (NumberFormatException e) {
                    return ErrorReply.err("Invalid client ID");
                }
                ServerControl.Client c = ctx.server().client(id);
                if (c != null) {
                    out.append(c.infoLine()).append('\n');
                }
            }
        } else if (a.length != 2) {
            return ErrorReply.SYNTAX;
        } else {
            appendAll(out);
        }
        return VerbatimReply.text(out.toString());
    }

    private void appendAll(StringBuilder out) {
        for (ServerControl.Client c : ctx.server().clients()) {
            out.append(c.infoLine()).append('\n');
        }
    }

    private static boolean isClientType(String type) {
        return switch (type) {
            case "normal", "slave", "replica", "pubsub", "master" -> true;
            default -> false;
        };
    }

    private Reply info(Session s, byte[][] a) {
        return VerbatimReply.text(ctx.server().clientInfo(s) + "\n");
    }

    private Reply noEvict(Session s, byte[][] a) {
        // accepted for compatibility: kvstore never evicts clients
        if (Args.is(a[2], "on") || Args.is(a[2], "off")) {
            return SimpleReply.OK;
        }
        return ErrorReply.SYNTAX;
    }

    private static final ErrorReply UNBLOCKED = new ErrorReply("UNBLOCKED client unblocked via CLIENT UNBLOCK");

    /** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP are not answered themselves. */
    private Reply reply(Session s, byte[][] a) {
        if (Args.is(a[2], "on")) {
            s.replyMode(0);
            return SimpleReply.OK;
        }
        if (Args.is(a[2], "off")) {
            s.replyMode(1);
            return Reply.NONE;
        }
        if (Args.is(a[2], "skip")) {
            s.replyMode(2);
            return Reply.NONE;
        }
        return ErrorReply.SYNTAX;
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was blocked and now has its reply. */
    private Reply unblock(Session s, byte[][] a) {
        if (a.length > 4) {
            return ErrorReply.err("unknown subcommand or wrong number of arguments for '" + Args.str(a[1]) + "'. Try CLIENT HELP.");
        }
        long id = Args.parseLong(a[2]);
        if (id == Args.INVALID) {
            return ErrorReply.NOT_INTEGER;
        }
        Reply answer = NullReply.ARRAY;
        if (a.length == 4) {
            if (Args.is(a[3], "error")) {
                answer = UNBLOCKED;
            } else if (!Args.is(a[3], "timeout")) {
                return ErrorReply.err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        return IntegerReply.of(ctx.server().unblockClient(id, answer) ? 1 : 0);
    }

    private Reply kill(Session s, byte[][] a) {
        KillFilter f = new KillFilter();
        if (a.length == 3) {
            f.addr = Args.str(a[2]);
            f.skipMe = false; // with the old form a client may kill itself
        } else {
            for (int i = 2; i < a.length; i += 2) {
                boolean more = i + 1 < a.length;
                if (!more) {
                    return ErrorReply.SYNTAX;
                }
                byte[] opt = a[i];
                String val = Args.str(a[i + 1]);
                if (Args.is(opt, "id")) {
                    long id = Args.parseLong(a[i + 1]);
                    if (id == Args.INVALID || id < 1) {
                        return ErrorReply.err("client-id should be greater than 0");
                    }
                    f.id = id;
                } else if (Args.is(opt, "type")) {
                    String type = val.toLowerCase(Locale.ROOT);
                    if (!isClientType(type)) {
                        return ErrorReply.err("Unknown client type '" + val + "'");
                    }
                    f.normalType = type.equals("normal");
                } else if (Args.is(opt, "addr")) {
                    f.addr = val;
                } else if (Args.is(opt, "laddr")) {
                    f.laddr = val;
                } else if (Args.is(opt, "user")) {
                    if (!val.equals("default")) {
                        return ErrorReply.err("No such user '" + val + "'");
                    }
                } else if (Args.is(opt, "skipme")) {
                    if (Args.is(a[i + 1], "yes")) {
                        f.skipMe = true;
                    } else if (Args.is(a[i + 1], "no")) {
                        f.skipMe = false;
                    } else {
                        return ErrorReply.SYNTAX;
                    }
                } else if (Args.is(opt, "maxage")) {
                    // Redis 7.4's filter: connections at least this many seconds old
                    try {
                        f.maxAge = Args.longValue(a[i + 1]);
                    } catch (NumberFormatException e) {
                        return ErrorReply.err("maxage is not an integer or out of range");
                    }
                } else {
                    return ErrorReply.SYNTAX;
                }
            }
        }
        long now = System.currentTimeMillis();
        int killed = 0;
        for (ServerControl.Client c : ctx.server().clients()) {
            if (f.matches(c, s, now) && ctx.server().killClient(c.id(), s)) {
                killed++;
            }
        }
        if (a.length == 3) {
            return killed == 0 ? NO_SUCH_CLIENT : SimpleReply.OK;
        }
        return IntegerReply.of(killed);
    }

    /** The CLIENT KILL filters; every given one must match. */
    private static final class KillFilter {
        String addr;
        String laddr;
        long id;
        boolean normalType = true;
        boolean skipMe = true;
        long maxAge;

        boolean matches(ServerControl.Client c, Session self, long now) {
            if (addr != null && !addr.equals(c.address())) {
                return false;
            }
            if (laddr != null && !laddr.equals(c.localAddress())) {
                return false;
            }
            if (!normalType || (id != 0 && c.id() != id)) {
                return false;
            }
            if (maxAge != 0 && (now - c.createdMillis()) / 1000 < maxAge) {
                return false;
            }
            return !(skipMe && c.id() == self.id());
        }
    }

    private Reply help(Session s, byte[][] a) {
        return Help.reply("CLIENT",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kill connections by type.",
                "    * USER <username>",
                "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)",
                "      Skip killing current connection (default: yes).",
                "    * MAXAGE <maxage>",
                "      Kill connections older than the specified age.",
                "LIST [options ...]",
                "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Return clients of specified type.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "SETINFO <option> <value>",
                "    Set client meta attr. Options are:",
                "    * LIB-NAME: the client lib name.",
                "    * LIB-VER: the client lib version.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Unblock the specified blocked client.",
                "NO-EVICT (ON|OFF)",
                "    Protect current client connection from eviction.");
    }
}
