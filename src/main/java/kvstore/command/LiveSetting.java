package kvstore.command;

import kvstore.config.Config;

/** A numeric setting that commands read on every call: parsed once, then kept current by CONFIG SET. */
final class LiveSetting {
    private volatile long value;

    LiveSetting(Config config, String name) {
        this.value = config.getLong(name);
        config.onChange(name, v -> value = Long.parseLong(v));
    }

    long get() {
        return value;
    }
}
