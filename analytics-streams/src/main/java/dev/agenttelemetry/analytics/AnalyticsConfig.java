package dev.agenttelemetry.analytics;

import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.StreamsDefaults;

import java.nio.file.Path;
import java.util.Map;

/**
 * The analytics application's settings.
 *
 * @param applicationId    Kafka Streams application id ({@code analytics.application.id}); also the consumer group
 * @param stateDir         where Kafka Streams keeps local state (window stores)
 * @param streamsOverrides further Kafka Streams properties ({@code analytics.streams.*})
 */
public record AnalyticsConfig(String applicationId, String bootstrapServers, Path stateDir, Map<String, String> streamsOverrides) {
    public static AnalyticsConfig from(ConfigReader config, String bootstrapServers, Path stateDir) {
        return new AnalyticsConfig(config.string("analytics.application.id", "agent-telemetry-analytics"),
                bootstrapServers, stateDir, config.withPrefix("analytics.streams."));
    }

    public Map<String, Object> streamsProperties() {
        return StreamsDefaults.properties(applicationId, bootstrapServers, stateDir, streamsOverrides);
    }
}
