package dev.agenttelemetry.collector;

import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.ConfigReader;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The collector's settings, read once at start.
 *
 * @param host              address to listen on; only loopback unless a bearer token is configured
 * @param port              HTTP port (0: a free one)
 * @param bootstrapServers  Kafka bootstrap servers
 * @param schemaRegistryUrl where the Avro schemas are registered
 * @param rawTopic          where hook envelopes are published
 * @param maxBodyBytes      largest request body accepted; larger ones get 413
 * @param ackTimeout        how long a hook may wait for Kafka's acknowledgement before it gets 503
 * @param producerOverrides further Kafka producer properties ({@code collector.producer.*})
 */
public record CollectorConfig(String host, int port, String bootstrapServers, String schemaRegistryUrl, String rawTopic,
                              int maxBodyBytes, Duration ackTimeout, Map<String, String> producerOverrides) {

    public static final String HOST = "collector.host";
    public static final String PORT = "collector.port";
    public static final String MAX_BODY_BYTES = "collector.max.body.bytes";
    public static final String ACK_TIMEOUT_MS = "collector.ack.timeout.ms";
    public static final String PRODUCER_PREFIX = "collector.producer.";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    public static CollectorConfig from(ConfigReader config, String bootstrapServers, String schemaRegistryUrl, String rawTopic) {
        CollectorConfig parsed = new CollectorConfig(
                config.string(HOST, "127.0.0.1"),
                config.integer(PORT, 4180, 0, 65535),
                bootstrapServers, schemaRegistryUrl, rawTopic,
                config.integer(MAX_BODY_BYTES, 1536 * 1024, 1024, 64 * 1024 * 1024),
                config.millis(ACK_TIMEOUT_MS, Duration.ofSeconds(2), Duration.ofMillis(1)),
                config.withPrefix(PRODUCER_PREFIX));
        if (!LOOPBACK.contains(parsed.host())) {
            throw new ConfigException(HOST, "'" + HOST + "' is " + parsed.host()
                    + ": the collector binds only to loopback (127.0.0.1) until bearer-token authentication is configured");
        }
        return parsed;
    }
}
