package kvstore.storage;

import kvstore.version.SiblingSet;

/**
 * Decides, during compaction, whether a stored sibling set may be dropped (for example every version
 * is a tombstone or expired, every replica is known to hold it and the grace period has passed). The
 * owner of the engine supplies it; the engine only asks. It is called from the compaction thread and
 * must be thread-safe and fast; it must not call back into the engine. It is not asked about a set
 * that holds a value which never expires ({@link kvstore.version.SiblingSetCodec#holdsLastingValue}):
 * such live data is kept whatever the rule.
 */
@FunctionalInterface
public interface PurgePolicy {
    PurgePolicy NEVER = (key, value) -> false;

    boolean canPurge(byte[] key, SiblingSet value);
}
