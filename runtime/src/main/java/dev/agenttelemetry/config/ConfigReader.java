package dev.agenttelemetry.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Typed access to flat string settings (a properties file, environment, command-line options), so
 * each application can parse its config record once at start and fail with a message that names the
 * key, the source and the allowed values.
 */
public final class ConfigReader {
    private final Map<String, String> values;
    private final String source;
    /** Told each key read, and each prefix as {@code prefix*}: how the configuration reference checks it documents every key. */
    private final Consumer<String> reads;

    /** @param source where the values came from, for error messages (e.g. a file name) */
    public ConfigReader(Map<String, String> values, String source) {
        this(values, source, key -> { });
    }

    private ConfigReader(Map<String, String> values, String source, Consumer<String> reads) {
        this.values = new TreeMap<>(values);
        this.source = source;
        this.reads = reads;
    }

    /** The same settings, telling {@code reads} every key read (and every prefix, as {@code prefix*}). */
    public ConfigReader reporting(Consumer<String> reads) {
        return new ConfigReader(values, source, reads);
    }

    /**
     * Settings from an optional properties file, overridden by environment variables: {@code AGENT_TELEMETRY_COLLECTOR_PORT}
     * sets {@code collector.port} (prefix removed, lower case, {@code _} read as {@code .}).
     */
    public static ConfigReader load(java.nio.file.Path file, Map<String, String> environment) {
        Map<String, String> values = new TreeMap<>();
        StringBuilder source = new StringBuilder();
        if (file != null) {
            java.util.Properties properties = new java.util.Properties();
            try (var in = java.nio.file.Files.newBufferedReader(file)) {
                properties.load(in);
            } catch (java.io.IOException e) {
                throw new ConfigException("config", "cannot read the config file " + file + ": " + e.getMessage());
            }
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
            source.append(file);
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                values.put(name.substring(ENV_PREFIX.length()).toLowerCase().replace('_', '.'), value);
            }
        });
        source.append(source.length() == 0 ? "" : " or ").append("environment ").append(ENV_PREFIX).append("*");
        return new ConfigReader(values, source.toString());
    }

    public static final String ENV_PREFIX = "AGENT_TELEMETRY_";

    /** These settings with {@code overrides} on top (e.g. command-line options). */
    public ConfigReader with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new ConfigReader(merged, source + " or command line", reads);
    }

    public Optional<String> optional(String key) {
        reads.accept(key);
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(key, "missing required setting '" + key + "' (" + source + ")"));
    }

    public int integer(String key, int defaultValue, int min, int max) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw invalid(key, raw.get(), "an integer from " + min + " to " + max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw invalid(key, raw.get(), "an integer from " + min + " to " + max);
    }

    /** A duration given in milliseconds, at least {@code min}. */
    public Duration millis(String key, Duration defaultValue, Duration min) {
        return Duration.ofMillis(longValue(key, defaultValue.toMillis(), min.toMillis(), Long.MAX_VALUE));
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(key, raw.get(), "true or false");
        };
    }

    /**
     * A secret: the value of {@code key} (e.g. from the environment variable), else the content of the file named by
     * {@code key.file}, trimmed. Errors name the key and the file, never the value.
     */
    public Optional<String> secret(String key) {
        Optional<String> inline = optional(key);
        if (inline.isPresent()) {
            return inline;
        }
        return optional(key + ".file").map(file -> readSecretFile(key + ".file", java.nio.file.Path.of(file)));
    }

    /** A secret file's content, trimmed; errors name {@code key} and the file, never the content. */
    public static String readSecretFile(String key, java.nio.file.Path file) {
        try {
            String content = java.nio.file.Files.readString(file).trim();
            if (content.isEmpty()) {
                throw new ConfigException(key, "the secret file " + file + " (for '" + key + "') is empty");
            }
            return content;
        } catch (java.io.IOException e) {
            throw new ConfigException(key, "cannot read the secret file " + file + " (for '" + key + "'): " + e.getMessage());
        }
    }

    /** Every setting whose key starts with {@code prefix}, with the prefix removed (e.g. pass-through client properties). */
    public Map<String, String> withPrefix(String prefix) {
        reads.accept(prefix + "*");
        Map<String, String> result = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k.substring(prefix.length()), v);
            }
        });
        return result;
    }

    private ConfigException invalid(String key, String value, String allowed) {
        return new ConfigException(key, "invalid value '" + value + "' for '" + key + "' (" + source + "): must be " + allowed);
    }
}
