package dev.agenttelemetry.launcher.collector;

import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.metrics.PrometheusEndpoint;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.launcher.ClusterOptions;
import dev.agenttelemetry.launcher.CommonOptions;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.runtime.UntilStopped;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code agent-telemetry collector}: only the hook endpoint, against an existing Kafka and registry. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Runs only the collector (the hook endpoint).",
                "Runs only the collector (the hook endpoint) against an existing Kafka and schema registry,",
                "e.g. one collector per developer machine feeding a shared cluster. It does not create topics."},
        footer = {"", "Example:", "  agent-telemetry collector --bootstrap-servers kafka:9092 \\",
                "      --schema-registry-url http://registry:8081"})
public final class CollectorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--collector-port", paramLabel = "PORT", description = "Port of the hook endpoint (default: 4180).")
    Integer collectorPort;

    @Override
    public Integer call() throws Exception {
        Map<String, String> options = cluster.asSettings();
        options.put("collector.port", collectorPort == null ? null : collectorPort.toString());
        PipelineSettings settings = common.settings(options);
        String kafka = settings.bootstrapServersOrEmbedded();
        String registry = settings.schemaRegistryUrlOrEmbedded();
        TopicCatalog topics = TopicCatalog.registered(settings.topics(), new SchemaRegistryClient(registry));
        Collector collector = Collector.start(CollectorConfig.from(settings.config(), kafka, settings.topics().raw().name(), settings.dataDir()),
                topics.raw(), topics.otlpLogs(), PrometheusEndpoint.get().registry());
        UntilStopped untilStopped = UntilStopped.onShutdown(System.out, collector::close);
        System.out.println("agent-telemetry collector: hooks to " + collector.url() + "/v1/hooks (Kafka " + kafka + "), metrics at "
                + collector.url() + "/metrics. Ctrl+C to stop.");
        System.out.flush();
        untilStopped.await();
        return 0;
    }
}
