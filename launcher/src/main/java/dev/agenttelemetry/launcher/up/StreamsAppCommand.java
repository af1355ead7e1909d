package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.analytics.AnalyticsApp;
import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.enricher.EnricherApp;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.launcher.ClusterOptions;
import dev.agenttelemetry.launcher.CommonOptions;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.runtime.StreamsApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code agent-telemetry enricher} and {@code agent-telemetry analytics}: one Kafka Streams application in a
 * process of its own, against an existing Kafka and registry (e.g. a second instance to share the work, or
 * next to {@code up --without}), with the command line's settings (data directory, config file, options). Its state
 * lives in {@code <data-dir>/streams}.
 */
public abstract class StreamsAppCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Where GET /metrics serves this application's "
            + "meters for Prometheus (default: 9465 for the enricher, 9466 for analytics; 0: any free port).")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Interface of GET /metrics (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container Prometheus scrapes).")
    String metricsHost;

    abstract String name();

    abstract int defaultMetricsPort();

    abstract StreamsApp.Starter starter(PipelineSettings settings);

    @Override
    public Integer call() throws Exception {
        common.logToFile(name() + ".log", false);
        PipelineSettings settings = common.settings(cluster.asSettings());
        Path stateDir = settings.dataDir().resolve("streams");
        StreamsApp.run(name(), settings.config(), new StreamsApp.Placement(settings.bootstrapServersOrEmbedded(),
                settings.schemaRegistryUrlOrEmbedded(), stateDir, metricsHost, metricsPort == null ? defaultMetricsPort() : metricsPort),
                starter(settings), System.out);
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
            return EnricherApp.NAME;
        }

        @Override
        int defaultMetricsPort() {
            return EnricherApp.DEFAULT_METRICS_PORT;
        }

        @Override
        StreamsApp.Starter starter(PipelineSettings settings) {
            return (config, kafka, stateDir, topics) -> EnricherApp.start(EnricherConfig.from(config, kafka, stateDir,
                    settings.topics().dlq().name()), topics, StreamsApp.stallTimeout(config));
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
            return AnalyticsApp.NAME;
        }

        @Override
        int defaultMetricsPort() {
            return AnalyticsApp.DEFAULT_METRICS_PORT;
        }

        @Override
        StreamsApp.Starter starter(PipelineSettings settings) {
            return (config, kafka, stateDir, topics) -> AnalyticsApp.start(AnalyticsConfig.from(config, kafka, stateDir), topics, StreamsApp.stallTimeout(config));
        }
    }
}
