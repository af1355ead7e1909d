package dev.agenttelemetry.launcher;

import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.security.AccessPlan;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Where the commands that read the topics find Kafka and the schema registry (default: the embedded ones of `up`). */
public final class KafkaOptions {
    @Mixin
    CommonOptions common;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka to read from (default: the embedded broker, 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Schema registry (default: the embedded one, http://127.0.0.1:8081).")
    String schemaRegistryUrl;

    /** The settings, Kafka and registry addresses resolved; fails with advice when Kafka does not answer. */
    public Resolved resolve() throws InterruptedException {
        Resolved resolved = resolveSettings();
        requireReachable(resolved);
        return resolved;
    }

    public void requireReachable(Resolved resolved) throws InterruptedException {
        KafkaCheck.requireReachable(resolved.kafka(), Duration.ofSeconds(5), "is `agent-telemetry up` running, or is --bootstrap-servers right?");
    }

    /** The settings and addresses, without contacting Kafka (for commands that may not need it). */
    public Resolved resolveSettings() {
        System.setProperty("org.slf4j.simpleLogger.log.dev.agenttelemetry", "warn");
        Map<String, String> options = new HashMap<>();
        options.put("bootstrap.servers", bootstrapServers);
        options.put("schema.registry.url", schemaRegistryUrl);
        PipelineSettings settings = common.settings(options);
        String kafka = settings.bootstrapServersOrEmbedded();
        String registry = settings.schemaRegistryUrlOrEmbedded();
        return new Resolved(settings, settings.kafkaAccess(kafka, AccessPlan.OPERATOR), registry);
    }

    /** @param kafka the broker, as the {@code operator} principal when Kafka is secured (it may not read the raw topic) */
    public record Resolved(PipelineSettings settings, KafkaAccess kafka, String schemaRegistryUrl) {
    }
}
