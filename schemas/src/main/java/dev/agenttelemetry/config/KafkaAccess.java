package dev.agenttelemetry.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where one component reaches Kafka and as whom: the bootstrap servers plus the client security properties
 * of that component's own principal. Each component has its own principal so that ACLs can give it only the
 * rights it needs. Secrets come from the settings (an environment variable) or a file; {@link #toString()}
 * never shows them, and Kafka's clients log {@code sasl.jaas.config} as {@code [hidden]}.
 *
 * <p>Settings: {@code kafka.security.protocol} (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL),
 * {@code kafka.sasl.mechanism} (SCRAM-SHA-512 by default), {@code kafka.ssl.truststore.location},
 * {@code .type} and {@code .password}; per principal {@code <principal>.kafka.username} (default: the principal's
 * name) and {@code <principal>.kafka.password} or {@code <principal>.kafka.password.file}. Files not given
 * explicitly are looked up in {@code kafka.security.dir} ({@code <data-dir>/security} for the launcher), where
 * {@code agent-telemetry up} keeps the embedded secured broker's generated secrets.
 */
public record KafkaAccess(String bootstrapServers, Map<String, String> security) {
    public static final String PROTOCOL = "kafka.security.protocol";
    public static final String MECHANISM = "kafka.sasl.mechanism";
    public static final String TRUSTSTORE = "kafka.ssl.truststore.location";
    public static final String TRUSTSTORE_TYPE = "kafka.ssl.truststore.type";
    public static final String TRUSTSTORE_PASSWORD = "kafka.ssl.truststore.password";
    public static final String SECRETS_DIR = "kafka.security.dir";
    /** The CA certificate file in {@link #SECRETS_DIR} that clients trust by default. */
    public static final String CA_FILE = "ca.pem";

    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule");

    public KafkaAccess {
        security = Map.copyOf(security);
    }

    /** No authentication, no encryption (the embedded broker's default, loopback only). */
    public static KafkaAccess plaintext(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, Map.of());
    }

    /** The access of {@code principal} (collector, enricher, ...) as the settings describe it. */
    public static KafkaAccess of(ConfigReader config, String bootstrapServers, String principal) {
        String protocol = config.string(PROTOCOL, "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new ConfigException(PROTOCOL, "invalid value '" + protocol + "' for '" + PROTOCOL + "': must be one of " + PROTOCOLS);
        }
        if (protocol.equals("PLAINTEXT")) {
            return plaintext(bootstrapServers);
        }
        Map<String, String> security = new HashMap<>();
        security.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            String mechanism = config.string(MECHANISM, "SCRAM-SHA-512").toUpperCase(Locale.ROOT);
            String loginModule = LOGIN_MODULES.get(mechanism);
            if (loginModule == null) {
                throw new ConfigException(MECHANISM, "invalid value '" + mechanism + "' for '" + MECHANISM + "': must be one of "
                        + new TreeMap<>(LOGIN_MODULES).keySet());
            }
            String passwordKey = principal + ".kafka.password";
            String password = config.secret(passwordKey)
                    .or(() -> secretsFile(config, principal + ".password").map(file -> readSecret(file, passwordKey)))
                    .orElseThrow(() -> new ConfigException(passwordKey, PROTOCOL + " is " + protocol + ", so the " + principal
                            + " needs its Kafka password: set '" + passwordKey + "' (environment " + ConfigReader.ENV_PREFIX
                            + passwordKey.toUpperCase(Locale.ROOT).replace('.', '_') + ") or '" + passwordKey + ".file'"));
            security.put("sasl.mechanism", mechanism);
            security.put("sasl.jaas.config", loginModule + " required username=\"" + jaasQuoted(config.string(principal + ".kafka.username", principal))
                    + "\" password=\"" + jaasQuoted(password) + "\";");
        }
        if (protocol.endsWith("SSL")) {
            // Without a configured or generated truststore, the JVM's default one applies (a broker with a public CA).
            Optional<String> truststore = config.optional(TRUSTSTORE).or(() -> secretsFile(config, CA_FILE).map(Path::toString));
            truststore.ifPresent(location -> {
                security.put("ssl.truststore.location", location);
                String lower = location.toLowerCase(Locale.ROOT);
                security.put("ssl.truststore.type", config.string(TRUSTSTORE_TYPE, lower.endsWith(".pem") || lower.endsWith(".crt") ? "PEM" : "PKCS12"));
                config.secret(TRUSTSTORE_PASSWORD).ifPresent(password -> security.put("ssl.truststore.password", password));
            });
        }
        return new KafkaAccess(bootstrapServers, security);
    }

    /** Client properties: the bootstrap servers, the security settings, then {@code extra} on top. */
    public Map<String, Object> clientProperties(Map<String, ?> extra) {
        Map<String, Object> properties = new HashMap<>(security);
        properties.put("bootstrap.servers", bootstrapServers);
        properties.putAll(extra);
        return properties;
    }

    public Map<String, Object> clientProperties() {
        return clientProperties(Map.of());
    }

    public String protocol() {
        return security.getOrDefault("security.protocol", "PLAINTEXT");
    }

    /** The user name in the login configuration, if any (never the password). */
    public Optional<String> username() {
        String jaas = security.get("sasl.jaas.config");
        if (jaas == null) {
            return Optional.empty();
        }
        int start = jaas.indexOf("username=\"") + "username=\"".length();
        return Optional.of(jaas.substring(start, jaas.indexOf('"', start)));
    }

    @Override
    public String toString() {
        return bootstrapServers + " (" + protocol() + username().map(user -> " as " + user).orElse("") + ")";
    }

    private static Optional<Path> secretsFile(ConfigReader config, String name) {
        return config.optional(SECRETS_DIR).map(dir -> Path.of(dir, name)).filter(Files::isRegularFile);
    }

    private static String readSecret(Path file, String key) {
        try {
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new ConfigException(key, "cannot read the secret file " + file + " (for '" + key + "'): " + e.getMessage());
        }
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
