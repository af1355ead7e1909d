package dev.agenttelemetry.analytics;

import dev.agenttelemetry.runtime.StreamsApp;
import dev.agenttelemetry.runtime.StreamsRunner;
import dev.agenttelemetry.topics.TopicCatalog;

import java.time.Duration;

/**
 * The analytics application: events in, alerts and session activity out. {@code agent-telemetry up} runs it in the
 * pipeline's process; {@code main} runs it alone:
 * {@code java -jar analytics-streams/target/analytics-streams.jar app.properties}, the file setting at least
 * {@code bootstrap.servers} and {@code schema.registry.url}. Instances with the same {@code analytics.application.id}
 * share the events topic.
 */
public final class AnalyticsApp {
    public static final String NAME = "analytics";
    /** Where {@code GET /metrics} is served when the application runs alone. */
    public static final int DEFAULT_METRICS_PORT = 9466;

    private AnalyticsApp() {
    }

    /** The analytics application, running once this returns. */
    public static StreamsRunner start(AnalyticsConfig config, TopicCatalog topics, Duration stallTimeout) throws InterruptedException {
        return StreamsRunner.start(NAME, () -> AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(), config.rules(),
                config.sessionGap(), config.publishInterval()), config.streamsProperties(), StreamsApp.START_TIMEOUT, StreamsRunner.RESTART_DELAY, stallTimeout);
    }

    public static void main(String[] args) {
        StreamsApp.main(NAME, DEFAULT_METRICS_PORT, args, (config, kafka, stateDir, topics) -> start(
                AnalyticsConfig.from(config, kafka, stateDir), topics, StreamsApp.stallTimeout(config)));
    }
}
