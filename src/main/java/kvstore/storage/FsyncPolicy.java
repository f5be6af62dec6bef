package kvstore.storage;

/** When the commit log is forced to disk, as Redis's {@code appendfsync}. */
public enum FsyncPolicy {
    /** A write returns only after the group fsync that covers it. */
    ALWAYS,
    /** The log is fsynced once a second; a write returns after it reached the OS. */
    EVERYSEC,
    /** The OS decides when to write back; a write returns after it reached the OS. */
    NO;

    public static FsyncPolicy parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "always" -> ALWAYS;
            case "everysec" -> EVERYSEC;
            case "no" -> NO;
            default -> throw new IllegalArgumentException("appendfsync must be always, everysec or no: " + s);
        };
    }
}
