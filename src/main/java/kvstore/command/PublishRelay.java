package kvstore.command;

/** Carries a message PUBLISHed here to the other nodes of a ring, for their subscribers. */
@FunctionalInterface
public interface PublishRelay {
    void relay(byte[] channel, byte[] message, boolean shard);
}
