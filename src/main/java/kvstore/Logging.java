package kvstore;

import kvstore.config.Config;

/**
 * Maps loglevel and logfile onto slf4j-simple, which reads its settings from system properties
 * before the first logger is created.
 */
final class Logging {
    private Logging() {
    }

    static void configure(Config config) {
        String level = switch (config.get("loglevel")) {
            case "debug" -> "debug";
            case "verbose" -> "debug";
            case "warning" -> "warn";
            case "nothing" -> "off";
            default -> "info";
        };
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "dd MMM yyyy HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        String file = config.get("logfile");
        System.setProperty("org.slf4j.simpleLogger.logFile", file.isEmpty() ? "System.out" : file);
    }
}
