package dev.agenttelemetry.enricher;

import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.StreamsDefaults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The enricher's settings.
 *
 * @param applicationId    Kafka Streams application id ({@code enricher.application.id}); also the consumer group
 * @param stateDir         where Kafka Streams keeps local state
 * @param chainTtl         how long a quiet session's chain state is kept ({@code enricher.chain.ttl.ms})
 * @param promptPreviewChars how much of a prompt is kept, masked ({@code enricher.prompt.preview.chars})
 * @param streamsOverrides further Kafka Streams properties ({@code enricher.streams.*})
 */
public record EnricherConfig(String applicationId, String bootstrapServers, Path stateDir, Duration chainTtl, int promptPreviewChars,
                             Map<String, String> streamsOverrides) {
    public static EnricherConfig from(ConfigReader config, String bootstrapServers, Path stateDir) {
        return new EnricherConfig(config.string("enricher.application.id", "agent-telemetry-enricher"),
                bootstrapServers, stateDir, config.millis("enricher.chain.ttl.ms", Duration.ofDays(30), Duration.ofMinutes(1)),
                config.integer("enricher.prompt.preview.chars", 200, 0, 100_000),
                config.withPrefix("enricher.streams."));
    }

    public Map<String, Object> streamsProperties() {
        return StreamsDefaults.properties(applicationId, bootstrapServers, stateDir, streamsOverrides);
    }
}
