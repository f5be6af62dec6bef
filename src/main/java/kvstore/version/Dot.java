package kvstore.version;

/**
 * The identity of one write: the replica actor that made it and that actor's counter for the key.
 * A dot is never reused, so two versions with the same dot are the same version.
 */
public record Dot(long actor, long counter) {
}
