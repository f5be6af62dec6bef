package kvstore.command;

import kvstore.config.Config;
import kvstore.keyspace.Keyspace;
import kvstore.metrics.ServerStats;

/** What commands work with: the keyspace, the settings, the counters and the server around them. */
public final class CommandContext {
    private final Keyspace keyspace;
    private final Config config;
    private final ServerStats stats;
    private final Slowlog slowlog;
    private volatile ServerControl server;
    private volatile CommandTable table;
    private volatile kvstore.cluster.Topology topology;
    private final BlockingKeys blocking;
    private final SmallCollectionCache smallCollections = new SmallCollectionCache();
    private final WatchedKeys watchedKeys = new WatchedKeys();
    private final PubSub pubSub = new PubSub();

    public CommandContext(Keyspace keyspace, Config config, ServerStats stats, Slowlog slowlog) {
        this.keyspace = keyspace;
        this.config = config;
        this.stats = stats;
        this.slowlog = slowlog;
        this.blocking = new BlockingKeys(keyspace);
    }

    /** Sends what is PUBLISHed here to the other nodes of a ring as well. */
    public void relayPublishes(PublishRelay r) {
        pubSub.relay(r);
    }

    /** A message PUBLISHed on another node: delivered to this node's subscribers only. */
    public void deliverPublished(byte[] channel, byte[] message, boolean shard) {
        pubSub.publish(channel, message, shard);
    }

    /** This node's Pub/Sub channels and their subscribers. */
    PubSub pubSub() {
        return pubSub;
    }

    /** The keys WATCHed by the connections. */
    WatchedKeys watchedKeys() {
        return watchedKeys;
    }

    SmallCollectionCache smallCollections() {
        return smallCollections;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public Config config() {
        return config;
    }

    public ServerStats stats() {
        return stats;
    }

    public Slowlog slowlog() {
        return slowlog;
    }

    public ServerControl server() {
        return server;
    }

    public void attach(ServerControl serverControl) {
        this.server = serverControl;
    }

    /** The ring this node belongs to (a ring of one on a single node). */
    public kvstore.cluster.Topology topology() {
        return topology;
    }

    public void attachTopology(kvstore.cluster.Topology t) {
        this.topology = t;
    }

    public CommandTable table() {
        return table;
    }

    void setTable(CommandTable t) {
        this.table = t;
    }

    /** Clients blocked by BLPOP and friends. */
    public BlockingKeys blocking() {
        return blocking;
    }

    public int databases() {
        return config.getInt("databases");
    }
}
