package dev.agenttelemetry.analytics;

import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.RuleFileException;
import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.config.StreamsDefaults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The analytics application's settings.
 *
 * @param applicationId    Kafka Streams application id ({@code analytics.application.id}); also the consumer group
 * @param kafka            the broker, and the {@code analytics} principal's credentials when Kafka is secured
 * @param rules            the rules in force: {@code analytics.rules.file}, else the shipped defaults
 * @param sessionGap       inactivity that ends a session window ({@code analytics.session.gap.ms}, default 30 minutes)
 * @param publishInterval  how often each changed window's activity is published ({@code analytics.activity.publish.interval.ms},
 *                         default 1 s; 0 publishes every update, at each commit)
 * @param stateDir         where Kafka Streams keeps local state (window stores)
 * @param streamsOverrides further Kafka Streams properties ({@code analytics.streams.*})
 */
public record AnalyticsConfig(String applicationId, KafkaAccess kafka, RuleBook rules, Duration sessionGap, Duration publishInterval, Path stateDir,
                              Map<String, String> streamsOverrides) {
    /** Whose Kafka credentials the analytics app uses ({@code analytics.kafka.username}, {@code analytics.kafka.password}). */
    public static final String PRINCIPAL = "analytics";
    public static final String APPLICATION_ID = "analytics.application.id";
    public static final String DEFAULT_APPLICATION_ID = "agent-telemetry-analytics";

    public static AnalyticsConfig from(ConfigReader config, String bootstrapServers, Path stateDir) {
        Optional<Path> rulesFile = Optional.ofNullable(config.string("analytics.rules.file", null)).filter(s -> !s.isBlank()).map(Path::of);
        RuleBook rules;
        try {
            rules = RuleBook.loadOrDefaults(rulesFile);
        } catch (IOException e) {
            throw new ConfigException("analytics.rules.file", "analytics.rules.file: cannot read " + rulesFile.orElseThrow() + ": " + e.getMessage());
        } catch (RuleFileException e) {
            throw new ConfigException("analytics.rules.file", "analytics.rules.file: " + e.getMessage());
        }
        Duration gap = config.millis("analytics.session.gap.ms", Duration.ofMinutes(30), Duration.ofSeconds(10));
        Duration publishInterval = config.millis("analytics.activity.publish.interval.ms", Duration.ofSeconds(1), Duration.ZERO);
        return new AnalyticsConfig(config.string(APPLICATION_ID, DEFAULT_APPLICATION_ID),
                KafkaAccess.of(config, bootstrapServers, PRINCIPAL), rules, gap, publishInterval,
                stateDir, config.withPrefix("analytics.streams."));
    }

    public Map<String, Object> streamsProperties() {
        return StreamsDefaults.properties(applicationId, kafka, stateDir, streamsOverrides);
    }
}
