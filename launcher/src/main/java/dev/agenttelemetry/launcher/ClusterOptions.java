package dev.agenttelemetry.launcher;

import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** Where a component run on its own (collector, enricher, analytics) finds an existing Kafka and schema registry. */
public final class ClusterOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (default: 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Schema registry (default: http://127.0.0.1:8081).")
    String schemaRegistryUrl;

    /** These options as settings; an option not given is null, so the configuration file or the default applies. */
    public Map<String, String> asSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("schema.registry.url", schemaRegistryUrl);
        return settings;
    }
}
