package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.metrics.PrometheusEndpoint;
import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.launcher.ClusterOptions;
import dev.agenttelemetry.launcher.CommonOptions;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code agent-telemetry enricher} and {@code agent-telemetry analytics}: one Kafka Streams application in a
 * process of its own, against an existing Kafka and registry (e.g. a second instance to share the work, or
 * next to {@code up --without}). Its state lives in {@code <data-dir>/streams}.
 */
public abstract class StreamsAppCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ClusterOptions cluster;

    @picocli.CommandLine.Option(names = "--metrics-port", paramLabel = "PORT", description = "Where GET /metrics serves this application's "
            + "meters for Prometheus (default: 9465 for the enricher, 9466 for analytics; 0: any free port).")
    Integer metricsPort;

    @picocli.CommandLine.Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Interface of GET /metrics (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container Prometheus scrapes).")
    String metricsHost;

    /** The default port of {@code GET /metrics} when the application runs alone. */
    abstract int defaultMetricsPort();

    /** Starts the application; it is running when this returns. */
    abstract StreamsRunner start(PipelineSettings settings, String kafka, Path stateDir, TopicCatalog topics) throws Exception;

    abstract String name();

    @Override
    public Integer call() throws Exception {
        Path logFile = common.logToFile(name() + ".log", false);
        PipelineSettings settings = common.settings(cluster.asSettings());
        String kafka = settings.bootstrapServersOrEmbedded();
        String registry = settings.schemaRegistryUrlOrEmbedded();
        PrintStream out = System.out;
        out.println("agent-telemetry " + name() + ": starting against Kafka " + kafka + " (state in " + settings.dataDir().resolve("streams")
                + ", log in " + logFile + ")");
        TopicCatalog topics = TopicCatalog.registered(settings.topics(), new SchemaRegistryClient(registry));
        StreamsRunner[] app = new StreamsRunner[1];
        UntilStopped untilStopped = UntilStopped.onShutdown(out, () -> {
            if (app[0] != null) {
                app[0].close();
            }
        });
        PrometheusEndpoint.Server metrics = PrometheusEndpoint.get().serve(metricsHost, metricsPort == null ? defaultMetricsPort() : metricsPort);
        app[0] = start(settings, kafka, settings.dataDir().resolve("streams"), topics);
        out.println("Ready: " + name() + " running, metrics at " + metrics.url() + ". Press Ctrl+C to stop.");
        untilStopped.await();
        return 0;
    }

    @Command(name = "enricher", mixinStandardHelpOptions = true,
            description = {"Runs only the enricher (raw hooks -> masked, enriched events) against an existing Kafka and registry.",
                    "Instances with the same enricher.application.id share the raw topic's partitions."},
            footer = {"", "Example:", "  agent-telemetry enricher --bootstrap-servers kafka:9092 \\",
                    "      --schema-registry-url http://registry:8081"})
    public static final class Enricher extends StreamsAppCommand {
        @Override
        String name() {
            return Pipeline.ENRICHER;
        }

        @Override
        int defaultMetricsPort() {
            return 9465;
        }

        @Override
        StreamsRunner start(PipelineSettings settings, String kafka, Path stateDir, TopicCatalog topics) throws Exception {
            return Pipeline.startEnricher(EnricherConfig.from(settings.config(), kafka, stateDir, settings.topics().dlq().name()), topics,
                    Pipeline.stallTimeout(settings));
        }
    }

    @Command(name = "analytics", mixinStandardHelpOptions = true,
            description = {"Runs only the analytics app (events -> alerts and session activity) against an existing Kafka and registry.",
                    "Instances with the same analytics.application.id share the events topic's partitions."},
            footer = {"", "Example:", "  agent-telemetry analytics --bootstrap-servers kafka:9092 \\",
                    "      --schema-registry-url http://registry:8081"})
    public static final class Analytics extends StreamsAppCommand {
        @Override
        String name() {
            return Pipeline.ANALYTICS;
        }

        @Override
        int defaultMetricsPort() {
            return 9466;
        }

        @Override
        StreamsRunner start(PipelineSettings settings, String kafka, Path stateDir, TopicCatalog topics) throws Exception {
            return Pipeline.startAnalytics(AnalyticsConfig.from(settings.config(), kafka, stateDir), topics, Pipeline.stallTimeout(settings));
        }
    }
}
