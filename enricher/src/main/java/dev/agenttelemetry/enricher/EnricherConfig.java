package dev.agenttelemetry.enricher;

import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.StreamsDefaults;

import java.nio.file.Path;
import java.util.Map;

/**
 * The enricher's settings.
 *
 * @param applicationId    Kafka Streams application id ({@code enricher.application.id}); also the consumer group
 * @param stateDir         where Kafka Streams keeps local state
 * @param streamsOverrides further Kafka Streams properties ({@code enricher.streams.*})
 */
public record EnricherConfig(String applicationId, String bootstrapServers, Path stateDir, Map<String, String> streamsOverrides) {
    public static EnricherConfig from(ConfigReader config, String bootstrapServers, Path stateDir) {
        return new EnricherConfig(config.string("enricher.application.id", "agent-telemetry-enricher"),
                bootstrapServers, stateDir, config.withPrefix("enricher.streams."));
    }

    public Map<String, Object> streamsProperties() {
        return StreamsDefaults.properties(applicationId, bootstrapServers, stateDir, streamsOverrides);
    }
}
