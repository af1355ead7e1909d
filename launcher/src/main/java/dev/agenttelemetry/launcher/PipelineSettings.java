package dev.agenttelemetry.launcher;

import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.launcher.security.AccessPlan;
import dev.agenttelemetry.launcher.up.ConnectRunner;
import dev.agenttelemetry.topics.TopicLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the pipeline runs and what it connects to, read once from (lowest first) defaults, the config
 * file ({@code --config}, else {@code <data-dir>/agent-telemetry.properties} when present), environment
 * variables {@code AGENT_TELEMETRY_*}, and command-line options.
 *
 * @param bootstrapServers  an existing Kafka to use; empty: start the embedded broker
 * @param schemaRegistryUrl an existing registry to use; empty: start the embedded registry
 * @param lokiUrl           Grafana Loki to forward to; empty: no sink
 */
public record PipelineSettings(Path dataDir, ConfigReader config, Optional<String> bootstrapServers,
                               Optional<String> schemaRegistryUrl, Optional<String> lokiUrl, TopicLayout topics,
                               int brokerPort, int controllerPort, int registryPort, String registryTopic, int connectRestPort) {

    public static final String CONFIG_FILE_NAME = "agent-telemetry.properties";

    public static PipelineSettings load(Path dataDir, Path configFile, Map<String, String> commandLine) {
        Path file = configFile != null ? configFile
                : Files.isRegularFile(dataDir.resolve(CONFIG_FILE_NAME)) ? dataDir.resolve(CONFIG_FILE_NAME) : null;
        Map<String, String> overrides = new HashMap<>();
        commandLine.forEach((k, v) -> {
            if (v != null) {
                overrides.put(k, v);
            }
        });
        return of(dataDir, ConfigReader.load(file, System.getenv()).with(overrides));
    }

    /** The settings of a pipeline whose data lives in {@code dataDir}. */
    public static PipelineSettings of(Path dataDir, ConfigReader loaded) {
        // Secrets of the embedded secured broker live in the data directory unless configured elsewhere.
        ConfigReader config = loaded.optional(KafkaAccess.SECRETS_DIR).isPresent() ? loaded
                : loaded.with(Map.of(KafkaAccess.SECRETS_DIR, dataDir.toAbsolutePath().resolve("security").toString()));
        return new PipelineSettings(dataDir.toAbsolutePath(), config,
                config.optional("bootstrap.servers"),
                config.optional("schema.registry.url"),
                config.optional("loki.url"),
                TopicLayout.from(config),
                config.integer("broker.port", 9092, 0, 65535),
                config.integer("broker.controller.port", 9093, 0, 65535),
                config.integer("schema.registry.port", 8081, 0, 65535),
                config.string("schema.registry.topic", "_schemas"),
                config.integer("connect.rest.port", 8083, 0, 65535));
    }

    /** The Kafka to use: the configured one, else the embedded broker's address. */
    public String bootstrapServersOrEmbedded() {
        return bootstrapServers.orElse("127.0.0.1:" + brokerPort);
    }

    /** The schema registry to use: the configured one, else the embedded registry's address. */
    public String schemaRegistryUrlOrEmbedded() {
        return schemaRegistryUrl.orElse("http://127.0.0.1:" + registryPort);
    }

    /** Where the embedded secured broker's certificate and generated passwords live ({@code kafka.security.dir}). */
    public Path securityDir() {
        return Path.of(config.required(KafkaAccess.SECRETS_DIR));
    }

    /** How {@code principal} reaches Kafka at {@code bootstrapServers}, with its own credentials when Kafka is secured. */
    public KafkaAccess kafkaAccess(String bootstrapServers, String principal) {
        return KafkaAccess.of(config, bootstrapServers, principal);
    }

    /** Each component's principal and ACLs for this topic layout and these application ids. */
    public AccessPlan accessPlan() {
        return new AccessPlan(topics, registryTopic,
                config.string(EnricherConfig.APPLICATION_ID, EnricherConfig.DEFAULT_APPLICATION_ID),
                config.string(AnalyticsConfig.APPLICATION_ID, AnalyticsConfig.DEFAULT_APPLICATION_ID),
                "connect-" + ConnectRunner.CONNECTOR_NAME);
    }

    public static Path defaultDataDir() {
        return Path.of(System.getProperty("user.home"), ".agent-telemetry");
    }
}
