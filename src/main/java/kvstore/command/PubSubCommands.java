package kvstore.command;

import kvstore.resp.ArrayReply;
import kvstore.resp.BulkReply;
import kvstore.resp.ErrorReply;
import kvstore.resp.IntegerReply;
import kvstore.resp.NullReply;
import kvstore.resp.Reply;
import kvstore.resp.ReplySequence;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static kvstore.command.CommandFlag.FAST;
import static kvstore.command.CommandFlag.LOADING;
import static kvstore.command.CommandFlag.NOSCRIPT;
import static kvstore.command.CommandFlag.PUBSUB;
import static kvstore.command.CommandFlag.STALE;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and
 * PUBSUB, with Redis 7.0's replies: one confirmation per channel, carrying the connection's
 * subscription count (channels and patterns, or shard channels), as push messages in RESP3. A RESP2
 * connection with a subscription takes only these commands, PING, QUIT and RESET (the dispatcher
 * checks). On a ring a message also goes to the other nodes' subscribers (see {@link PublishRelay});
 * PUBLISH counts those of this node, as Redis Cluster does.
 */
final class PubSubCommands {
    private static final BulkReply SUBSCRIBE = BulkReply.of("subscribe");
    private static final BulkReply UNSUBSCRIBE = BulkReply.of("unsubscribe");
    private static final BulkReply PSUBSCRIBE = BulkReply.of("psubscribe");
    private static final BulkReply PUNSUBSCRIBE = BulkReply.of("punsubscribe");
    private static final BulkReply SSUBSCRIBE = BulkReply.of("ssubscribe");
    private static final BulkReply SUNSUBSCRIBE = BulkReply.of("sunsubscribe");

    private final PubSub pubsub;

    PubSubCommands(CommandContext ctx) {
        this.pubsub = ctx.pubSub();
    }

    void register(CommandTable t) {
        t.add(spec("subscribe", -2, this::subscribe, "Listen for messages published to the given channels", "2.0.0")
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE).build());
        t.add(spec("unsubscribe", -1, this::unsubscribe, "Stop listening for messages posted to the given channels",
                "2.0.0").flags(PUBSUB, NOSCRIPT, LOADING, STALE).build());
        t.add(spec("psubscribe", -2, this::psubscribe,
                "Listen for messages published to channels matching the given patterns", "2.0.0")
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE).build());
        t.add(spec("punsubscribe", -1, this::punsubscribe,
                "Stop listening for messages posted to channels matching the given patterns", "2.0.0")
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE).build());
        t.add(spec("ssubscribe", -2, this::ssubscribe, "Listen for messages published to the given shard channels",
                "7.0.0").flags(PUBSUB, NOSCRIPT, LOADING, STALE).keys(1, -1, 1).build());
        t.add(spec("sunsubscribe", -1, this::sunsubscribe,
                "Stop listening for messages posted to the given shard channels", "7.0.0")
                .flags(PUBSUB, NOSCRIPT, LOADING, STALE).keys(1, -1, 1).build());
        t.add(spec("publish", 3, (s, a) -> IntegerReply.of(pubsub.publishHere(a[1], a[2], false)),
                "Post a message to a channel", "2.0.0").flags(PUBSUB, LOADING, STALE, FAST).build());
        t.add(spec("spublish", 3, (s, a) -> IntegerReply.of(pubsub.publishHere(a[1], a[2], true)),
                "Post a message to a shard channel", "7.0.0").flags(PUBSUB, LOADING, STALE, FAST).keys(1, 1, 1).build());
        // the container is never run: the dispatcher resolves a subcommand or rejects the arity first
        CommandSpec container = CommandSpec.builder("pubsub", -2, (s, a) -> ErrorReply.SYNTAX).categories("slow")
                .group("pubsub").doc("A container for Pub/Sub commands", "2.8.0").build();
        container.subcommand(spec("channels", -2, (s, a) -> channels(a, false), "List active channels", "2.8.0")
                .flags(PUBSUB, LOADING, STALE).build());
        container.subcommand(spec("numsub", -2, (s, a) -> numsub(a, false),
                "Get the count of subscribers for channels", "2.8.0").flags(PUBSUB, LOADING, STALE).build());
        container.subcommand(spec("numpat", 2, (s, a) -> IntegerReply.of(pubsub.patternCount()),
                "Get the count of unique patterns pattern subscriptions", "2.8.0").flags(PUBSUB, LOADING, STALE).build());
        container.subcommand(spec("shardchannels", -2, (s, a) -> channels(a, true), "List active shard channels",
                "7.0.0").flags(PUBSUB, LOADING, STALE).build());
        container.subcommand(spec("shardnumsub", -2, (s, a) -> numsub(a, true),
                "Get the count of subscribers for shard channels", "7.0.0").flags(PUBSUB, LOADING, STALE).build());
        container.subcommand(CommandSpec.builder("help", 2, (s, a) -> Help.reply("PUBSUB",
                        "CHANNELS [<pattern>]",
                        "    Return the currently active channels matching a <pattern> (default: '*').",
                        "NUMPAT",
                        "    Return number of subscriptions to patterns.",
                        "NUMSUB [<channel> ...]",
                        "    Return the number of subscribers for the specified channels, excluding",
                        "    pattern subscriptions(default: no channels).",
                        "SHARDCHANNELS [<pattern>]",
                        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                        "SHARDNUMSUB [<shardchannel> ...]",
                        "    Return the number of subscribers for the specified shard level channel(s)"))
                .flags(LOADING, STALE).categories("slow").group("pubsub")
                .doc("Show helpful text about the different subcommands", "6.2.0").build());
        t.add(container);
    }

    private static CommandSpec.Builder spec(String name, int arity, Command c, String summary, String since) {
        return CommandSpec.builder(name, arity, c).categories("pubsub", "slow").group("pubsub").doc(summary, since);
    }

    /** One confirmation: kind, channel (or nil), and the connection's count after it. */
    private static Reply confirm(BulkReply kind, ByteBuffer channel, int count) {
        return ArrayReply.push(List.of(kind, channel == null ? NullReply.BULK : new BulkReply(PubSub.bytes(channel)),
                IntegerReply.of(count)));
    }

    /** Channels and patterns count together; shard channels apart (Redis's subscriptionCount per type). */
    private static int count(Subscriptions s, boolean shard) {
        int[] c = s.counts();
        return shard ? c[2] : c[0] + c[1];
    }

    private Reply subscribe(Session s, byte[][] a) {
        return subscribe(s, a, false);
    }

    private Reply ssubscribe(Session s, byte[][] a) {
        return subscribe(s, a, true);
    }

    private Reply subscribe(Session s, byte[][] a, boolean shard) {
        Subscriptions subs = s.subscriptions();
        List<Reply> out = new ArrayList<>(a.length - 1);
        for (int i = 1; i < a.length; i++) {
            ByteBuffer ch = ByteBuffer.wrap(a[i]);
            pubsub.subscribe(subs, ch, shard);
            out.add(confirm(shard ? SSUBSCRIBE : SUBSCRIBE, ch, count(subs, shard)));
        }
        return new ReplySequence(out);
    }

    private Reply unsubscribe(Session s, byte[][] a) {
        return unsubscribe(s, a, false);
    }

    private Reply sunsubscribe(Session s, byte[][] a) {
        return unsubscribe(s, a, true);
    }

    private Reply unsubscribe(Session s, byte[][] a, boolean shard) {
        Subscriptions subs = s.subscriptions();
        List<ByteBuffer> targets = new ArrayList<>();
        if (a.length == 1) {
            synchronized (subs) {
                targets.addAll(shard ? subs.shardChannels : subs.channels);
            }
        } else {
            for (int i = 1; i < a.length; i++) {
                targets.add(ByteBuffer.wrap(a[i]));
            }
        }
        BulkReply kind = shard ? SUNSUBSCRIBE : UNSUBSCRIBE;
        List<Reply> out = new ArrayList<>();
        for (ByteBuffer ch : targets) {
            pubsub.unsubscribe(subs, ch, shard);
            out.add(confirm(kind, ch, count(subs, shard)));
        }
        if (out.isEmpty()) {
            out.add(confirm(kind, null, count(subs, shard))); // subscribed to nothing: still one reply
        }
        return new ReplySequence(out);
    }

    private Reply psubscribe(Session s, byte[][] a) {
        Subscriptions subs = s.subscriptions();
        List<Reply> out = new ArrayList<>(a.length - 1);
        for (int i = 1; i < a.length; i++) {
            ByteBuffer p = ByteBuffer.wrap(a[i]);
            pubsub.psubscribe(subs, p);
            out.add(confirm(PSUBSCRIBE, p, count(subs, false)));
        }
        return new ReplySequence(out);
    }

    private Reply punsubscribe(Session s, byte[][] a) {
        Subscriptions subs = s.subscriptions();
        List<ByteBuffer> targets = new ArrayList<>();
        if (a.length == 1) {
            synchronized (subs) {
                targets.addAll(subs.patterns);
            }
        } else {
            for (int i = 1; i < a.length; i++) {
                targets.add(ByteBuffer.wrap(a[i]));
            }
        }
        List<Reply> out = new ArrayList<>();
        for (ByteBuffer p : targets) {
            pubsub.punsubscribe(subs, p);
            out.add(confirm(PUNSUBSCRIBE, p, count(subs, false)));
        }
        if (out.isEmpty()) {
            out.add(confirm(PUNSUBSCRIBE, null, count(subs, false)));
        }
        return new ReplySequence(out);
    }

    private Reply channels(byte[][] a, boolean shard) {
        if (a.length > 3) {
            return ErrorReply.err("unknown subcommand or wrong number of arguments for '" + Args.str(a[1])
                    + "'. Try PUBSUB HELP.");
        }
        List<Reply> out = new ArrayList<>();
        for (byte[] c : pubsub.channels(a.length == 3 ? a[2] : null, shard)) {
            out.add(new BulkReply(c));
        }
        return ArrayReply.of(out);
    }

    private Reply numsub(byte[][] a, boolean shard) {
        List<Reply> out = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
            out.add(new BulkReply(a[i]));
            out.add(IntegerReply.of(pubsub.subscribers(a[i], shard)));
        }
        return ArrayReply.of(out);
    }
}
