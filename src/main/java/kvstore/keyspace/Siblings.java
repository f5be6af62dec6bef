package kvstore.keyspace;

import java.util.List;

/**
 * What SIBLINGS shows of a key: the causal context covering every version (opaque to clients, who
 * pass it back to resolve them) and each sibling's value, null for a deleted or expired one.
 */
public record Siblings(byte[] context, List<byte[]> values) {
}
