package dev.agenttelemetry.enricher;

import dev.agenttelemetry.enricher.masking.Masker;
import dev.agenttelemetry.runtime.StreamsApp;
import dev.agenttelemetry.runtime.StreamsRunner;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;

import java.time.Duration;

/**
 * The enricher application: raw hooks in, masked and enriched events out. {@code agent-telemetry up} runs it in the
 * pipeline's process; {@code main} runs it alone:
 * {@code java -jar enricher/target/enricher.jar app.properties}, the file setting at least {@code bootstrap.servers}
 * and {@code schema.registry.url}. Instances with the same {@code enricher.application.id} share the raw topic.
 */
public final class EnricherApp {
    public static final String NAME = "enricher";
    /** Where {@code GET /metrics} is served when the enricher runs alone. */
    public static final int DEFAULT_METRICS_PORT = 9465;

    private EnricherApp() {
    }

    /** The enricher, running once this returns. */
    public static StreamsRunner start(EnricherConfig config, TopicCatalog topics, Duration stallTimeout) throws InterruptedException {
        return StreamsRunner.start(NAME, () -> EnricherTopology.build(topics.raw(), topics.events(),
                        config.eventEnricher(Masker.create(config.masking())), config.chainTtl(), config.pairingGap()),
                config.streamsProperties(), StreamsApp.START_TIMEOUT, StreamsRunner.RESTART_DELAY, stallTimeout);
    }

    public static void main(String[] args) {
        StreamsApp.main(NAME, DEFAULT_METRICS_PORT, args, (config, kafka, stateDir, topics) -> start(
                EnricherConfig.from(config, kafka, stateDir, TopicLayout.from(config).dlq().name()), topics, StreamsApp.stallTimeout(config)));
    }
}
