package dev.agenttelemetry.enricher;

import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.StreamsDefaults;
import dev.agenttelemetry.enricher.errors.MaskingDeadLetterHandler;

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
 * @param dlqTopic         where undecodable raw records go, masked
 * @param streamsOverrides further Kafka Streams properties ({@code enricher.streams.*})
 */
public record EnricherConfig(String applicationId, String bootstrapServers, Path stateDir, Duration chainTtl, int promptPreviewChars,
                             String dlqTopic, Map<String, String> streamsOverrides) {
    public static EnricherConfig from(ConfigReader config, String bootstrapServers, Path stateDir, String dlqTopic) {
        return new EnricherConfig(config.string("enricher.application.id", "agent-telemetry-enricher"),
                bootstrapServers, stateDir, config.millis("enricher.chain.ttl.ms", Duration.ofDays(30), Duration.ofMinutes(1)),
                config.integer("enricher.prompt.preview.chars", 200, 0, 100_000),
                dlqTopic,
                config.withPrefix("enricher.streams."));
    }

    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = StreamsDefaults.properties(applicationId, bootstrapServers, stateDir, Map.of());
        props.put("deserialization.exception.handler", MaskingDeadLetterHandler.class.getName());
        props.put(MaskingDeadLetterHandler.DLQ_TOPIC_CONFIG, dlqTopic);
        props.putAll(streamsOverrides);
        return props;
    }
}
