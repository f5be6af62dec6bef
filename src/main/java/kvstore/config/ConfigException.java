package kvstore.config;

/** A setting that cannot be accepted; the message is the reason, in Redis's words where Redis has them. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
