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
 * of that component's own principal, and its SASL user name (never the password) for messages. Each component has its own principal so that ACLs can give it only the
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
public record KafkaAccess(String bootstrapServers, Map<String, String> security, Optional<String> username) {
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
        return new KafkaAccess(bootstrapServers, Map.of(), Optional.empty());
    }

    /** {@code kafka.security.protocol}, upper case and checked. */
    public static String protocol(ConfigReader config) {
        String protocol = config.string(PROTOCOL, "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new ConfigException(PROTOCOL, "invalid value '" + protocol + "' for '" + PROTOCOL + "': must be one of " + PROTOCOLS);
        }
        return protocol;
    }

    /** {@code kafka.sasl.mechanism}, upper case and checked. */
    public static String mechanism(ConfigReader config) {
        String mechanism = config.string(MECHANISM, "SCRAM-SHA-512").toUpperCase(Locale.ROOT);
        if (!LOGIN_MODULES.containsKey(mechanism)) {
            throw new ConfigException(MECHANISM, "invalid value '" + mechanism + "' for '" + MECHANISM + "': must be one of "
                    + new TreeMap<>(LOGIN_MODULES).keySet());
        }
        return mechanism;
    }

    /** Where {@code principal}'s password is looked for in (and generated into) the secrets directory. */
    public static Path passwordFile(Path secretsDir, String principal) {
        return secretsDir.resolve(principal + ".password");
    }

    /** The access of {@code principal} (collector, enricher, ...) as the settings describe it. */
    public static KafkaAccess of(ConfigReader config, String bootstrapServers, String principal) {
        String protocol = protocol(config);
        if (protocol.equals("PLAINTEXT")) {
            return plaintext(bootstrapServers);
        }
        Map<String, String> security = new HashMap<>();
        security.put("security.protocol", protocol);
        Optional<String> username = Optional.empty();
        if (protocol.startsWith("SASL_")) {
            String mechanism = mechanism(config);
            String passwordKey = principal + ".kafka.password";
            String password = config.secret(passwordKey)
                    .or(() -> config.optional(SECRETS_DIR).map(dir -> passwordFile(Path.of(dir), principal)).filter(Files::isRegularFile)
                            .map(file -> ConfigReader.readSecretFile(passwordKey, file)))
                    .orElseThrow(() -> new ConfigException(passwordKey, PROTOCOL + " is " + protocol + ", so the " + principal
                            + " needs its Kafka password: set '" + passwordKey + "' (environment " + ConfigReader.ENV_PREFIX
                            + passwordKey.toUpperCase(Locale.ROOT).replace('.', '_') + ") or '" + passwordKey + ".file'"));
            username = Optional.of(config.string(principal + ".kafka.username", principal));
            security.put("sasl.mechanism", mechanism);
            security.put("sasl.jaas.config", LOGIN_MODULES.get(mechanism) + " required username=\"" + jaasQuoted(username.get())
                    + "\" password=\"" + jaasQuoted(password) + "\";");
        }
        if (protocol.endsWith("SSL")) {
            // Without a configured or generated truststore, the JVM's default one applies (a broker with a public CA).
            Optional<String> truststore = config.optional(TRUSTSTORE).or(() -> config.optional(SECRETS_DIR)
                    .map(dir -> Path.of(dir, CA_FILE)).filter(Files::isRegularFile).map(Path::toString));
            truststore.ifPresent(location -> {
                security.put("ssl.truststore.location", location);
                String lower = location.toLowerCase(Locale.ROOT);
                security.put("ssl.truststore.type", config.string(TRUSTSTORE_TYPE, lower.endsWith(".pem") || lower.endsWith(".crt") ? "PEM" : "PKCS12"));
                config.secret(TRUSTSTORE_PASSWORD).ifPresent(password -> security.put("ssl.truststore.password", password));
            });
        }
        return new KafkaAccess(bootstrapServers, security, username);
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

    @Override
    public String toString() {
        return bootstrapServers + " (" + protocol() + username().map(user -> " as " + user).orElse("") + ")";
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
