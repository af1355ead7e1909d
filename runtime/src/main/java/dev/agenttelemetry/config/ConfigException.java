package dev.agenttelemetry.config;

/** A configuration value that is missing or wrong; the message names the key, where it came from and what is allowed. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
