package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.Reply;
import kvstore.resp.SimpleReply;

import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.NO_AUTH;
import static kvstore.command.CommandFlag.ALLOW_BUSY;
import static kvstore.command.CommandFlag.STALE;

/** PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET: the connection's own state. */
final class ConnectionCommands {
    static final String SERVER_NAME = "redis";
    static final ErrorReply WRONGPASS = new ErrorReply("WRONGPASS invalid username-password pair or user is disabled.");

    private final CommandContext ctx;

    ConnectionCommands(CommandContext ctx) {
        this.ctx = ctx;
    }

    void register(CommandTable t) {
        t.add(CommandSpec.builder("ping", -1, this::ping).flags(FAST).categories("fast", "connection")
                .group("connection").doc("Returns the server's liveliness response.", "1.0.0").build());
        t.add(CommandSpec.builder("echo", 2, (s, a) -> new BulkReply(a[1])).flags(FAST, LOADING, STALE)
                .categories("fast", "connection").group("connection").doc("Returns the given string.", "1.0.0").build());
        t.add(CommandSpec.builder("quit", -1, this::quit).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                .categories("fast", "connection").group("connection").doc("Closes the connection.", "1.0.0").build());
        t.add(CommandSpec.builder("select", 2, this::select).flags(LOADING, STALE, FAST)
                .categories("fast", "connection").group("connection").doc("Changes the selected database.", "1.0.0").build());
        t.add(CommandSpec.builder("auth", -2, this::auth).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                .categories("fast", "connection").group("connection").doc("Authenticates the connection.", "1.0.0").build());
        t.add(CommandSpec.builder("hello", -1, this::hello).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                .categories("fast", "connection").group("connection")
                .doc("Handshakes with the Redis server.", "6.0.0").build());
        t.add(CommandSpec.builder("reset", 1, this::reset).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                .categories("fast", "connection").group("connection").doc("Resets the connection.", "6.2.0").build());
    }

    private Reply ping(Session s, byte[][] a) {
        if (a.length > 2) {
            return ErrorReply.err("wrong number of arguments for 'ping' command");
        }
        if (s.protocol() == 2 && s.subscriptions().active()) {
            // a subscribed RESP2 connection reads only arrays: PING answers in one
            return ArrayReply.of(BulkReply.of("pong"), a.length == 2 ? new BulkReply(a[1]) : BulkReply.EMPTY);
        }
        return a.length == 2 ? new BulkReply(a[1]) : SimpleReply.PONG;
    }

    private Reply quit(Session s, byte[][] a) {
        s.closeAfterReply();
        return SimpleReply.OK;
    }

    private Reply select(Session s, byte[][] a) {
        long db = Args.parseLong(a[1]);
        if (db == Args.INVALID) {
            return ErrorReply.NOT_INTEGER;
        }
        if (db < 0 || db >= ctx.databases()) {
            return ErrorReply.DB_INDEX;
        }
        s.selectDb((int) db);
        return SimpleReply.OK;
    }

    private Reply auth(Session s, byte[][] a) {
        if (a.length > 3) {
            return ErrorReply.SYNTAX;
        }
        if (a.length == 2 && ctx.config().get("requirepass").isEmpty()) {
            return ErrorReply.err("AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
        }
        byte[] user = a.length == 3 ? a[1] : null;
        byte[] pass = a[a.length - 1];
        if (!checkPassword(user, pass)) {
            return WRONGPASS;
        }
        s.setAuthenticated(true);
        return SimpleReply.OK;
    }

    /** The only user is "default"; with no requirepass it accepts any password, as Redis's nopass user. */
    private boolean checkPassword(byte[] user, byte[] pass) {
        if (user != null && !Args.str(user).equals("default")) {
            return false;
        }
        String required = ctx.config().get("requirepass");
        return required.isEmpty() || java.security.MessageDigest.isEqual(Args.str(pass).getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1), required.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private Reply hello(Session s, byte[][] a) {
        int proto = s.protocol();
        if (a.length >= 2) {
            long ver = Args.parseLong(a[1]);
            if (ver == Args.INVALID) {
                return ErrorReply.err("Protocol version is not an integer or out of range");
            }
            if (ver < 2 || ver > 3) {
                return new ErrorReply("NOPROTO unsupported protocol version");
            }
            proto = (int) ver;
        }
        byte[] user = null;
        byte[] pass = null;
        String name = null;
        for (int i = 2; i < a.length; i++) {
            int more = a.length - i - 1;
            if (Args.is(a[i], "auth") && more >= 2) {
                user = a[i + 1];
                pass = a[i + 2];
                i += 2;
            } else if (Args.is(a[i], "setname") && more >= 1) {
                name = Args.str(a[i + 1]);
                i += 1;
            } else {
                return ErrorReply.err("Syntax error in HELLO option '" + Args.str(a[i]) + "'");
            }
        }
        if (pass == null && !s.authenticated()) {
            return new ErrorReply("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
                    + "RESP protocol version at the same time");
        }
        if (pass != null) {
            if (!checkPassword(user, pass)) {
                return WRONGPASS;
            }
            s.setAuthenticated(true);
        }
        if (name != null) {
            ErrorReply bad = ClientCommand.validateName(name);
            if (bad != null) {
                return bad;
            }
            s.setName(name.isEmpty() ? null : name);
        }
        s.setProtocol(proto);
        List<Reply> map = new ArrayList<>();
        map.add(BulkReply.of("server"));
        map.add(BulkReply.of(SERVER_NAME));
        map.add(BulkReply.of("version"));
        map.add(BulkReply.of(ServerInfo.REDIS_VERSION));
        map.add(BulkReply.of("proto"));
        map.add(IntegerReply.of(proto));
        map.add(BulkReply.of("id"));
        map.add(IntegerReply.of(s.id()));
        map.add(BulkReply.of("mode"));
        map.add(BulkReply.of("standalone"));
        map.add(BulkReply.of("role"));
        map.add(BulkReply.of("master"));
        map.add(BulkReply.of("modules"));
        map.add(ArrayReply.EMPTY);
        return ArrayReply.map(map);
    }

    private Reply reset(Session s, byte[][] a) {
        s.reset();
        return new SimpleReply("RESET");
    }
}
