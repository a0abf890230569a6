package dev.jao.config;

/** The one helper configs use to reject bad fields with torchao's messages. */
final class ConfigChecks {
    private ConfigChecks() {}

    static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
