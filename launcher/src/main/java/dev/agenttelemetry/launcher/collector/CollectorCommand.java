package dev.agenttelemetry.launcher.collector;

import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.launcher.CommonOptions;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code agent-telemetry collector}: only the hook endpoint, against an existing Kafka and registry. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Runs only the collector (the hook endpoint).",
                "Runs only the collector (the hook endpoint) against an existing Kafka and schema registry,",
                "e.g. one collector per developer machine feeding a shared cluster. It does not create topics."},
        footer = {"", "Example:", "  agent-telemetry collector --bootstrap-servers kafka:9092 --schema-registry-url http://registry:8081"})
public final class CollectorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (default: 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Schema registry (default: http://127.0.0.1:8081).")
    String schemaRegistryUrl;

    @Option(names = "--collector-port", paramLabel = "PORT", description = "Port of the hook endpoint (default: 4180).")
    Integer collectorPort;

    @Override
    public Integer call() throws Exception {
        Map<String, String> options = new HashMap<>();
        options.put("bootstrap.servers", bootstrapServers);
        options.put("schema.registry.url", schemaRegistryUrl);
        options.put("collector.port", collectorPort == null ? null : collectorPort.toString());
        PipelineSettings settings = common.settings(options);
        String kafka = settings.bootstrapServersOrEmbedded();
        String registry = settings.schemaRegistryUrlOrEmbedded();
        TopicCatalog topics = TopicCatalog.registered(settings.topics(), new SchemaRegistryClient(registry));
        Collector collector = Collector.start(CollectorConfig.from(settings.config(), kafka, settings.topics().raw().name(), settings.dataDir()),
                topics.raw(), topics.otlpLogs());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            stopped.countDown();
        }, "collector-shutdown"));
        System.out.println("agent-telemetry collector: hooks to " + collector.url() + "/v1/hooks (Kafka " + kafka + "). Ctrl+C to stop.");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
