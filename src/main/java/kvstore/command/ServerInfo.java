package kvstore.command;

/** Versions kvstore reports. Clients check redis_version, so it names the Redis release whose behaviour kvstore matches. */
public final class ServerInfo {
    public static final String REDIS_VERSION = "7.0.15";
    public static final String KVSTORE_VERSION = "0.1.0";

    private ServerInfo() {
    }
}
