package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.analytics.AnalyticsTopology;
import dev.agenttelemetry.analytics.rules.DestructiveCommandRule;
import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.enricher.EnricherTopology;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.enricher.masking.Masker;
import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import dev.agenttelemetry.launcher.KafkaCheck;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.schemas.topics.TopicCatalog;
import dev.agenttelemetry.schemas.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline in one JVM: the embedded broker and registry (unless existing ones are given), the
 * topics, the collector, the enricher and analytics Streams applications, and a Connect worker with the
 * Loki sink when a Loki URL is set. Closing stops everything in reverse order.
 */
public final class Pipeline implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** Told about each component as it comes up, for progress output. */
    public interface Progress {
        void started(String component, String detail, Duration took);

        void skipped(String component, String why);
    }

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private String bootstrapServers;
    private String schemaRegistryUrl;
    private String collectorUrl;

    private Pipeline() {
    }

    public static Pipeline start(PipelineSettings settings, Progress progress) throws Exception {
        Pipeline pipeline = new Pipeline();
        try {
            pipeline.startAll(settings, progress);
            return pipeline;
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll(PipelineSettings settings, Progress progress) throws Exception {
        Path dataDir = settings.dataDir();
        long t = System.nanoTime();
        if (settings.bootstrapServers().isPresent()) {
            bootstrapServers = settings.bootstrapServers().get();
            KafkaCheck.requireReachable(bootstrapServers, Duration.ofSeconds(15), "check --bootstrap-servers (bootstrap.servers)");
            progress.skipped("Kafka broker", "using " + bootstrapServers);
        } else {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Settings(dataDir.resolve("kafka"),
                    "127.0.0.1", settings.brokerPort(), settings.controllerPort(), settings.config().withPrefix("broker.override.")));
            running.push(broker);
            bootstrapServers = broker.bootstrapServers();
            progress.started("Kafka broker", "embedded KRaft on " + bootstrapServers, since(t));
        }

        t = System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            TopicProvisioner.ensure(admin, settings.topics().all(), START_TIMEOUT);
        }
        progress.started("Topics", settings.topics().all().size() + " ready", since(t));

        t = System.nanoTime();
        if (settings.schemaRegistryUrl().isPresent()) {
            schemaRegistryUrl = settings.schemaRegistryUrl().get();
            progress.skipped("Schema registry", "using " + schemaRegistryUrl);
        } else {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", settings.registryPort(), bootstrapServers,
                    settings.registryTopic());
            running.push(registry);
            schemaRegistryUrl = registry.url();
            progress.started("Schema registry", "embedded on " + schemaRegistryUrl, since(t));
        }
        TopicCatalog topics = TopicCatalog.of(settings.topics(), new SchemaRegistryClient(schemaRegistryUrl));

        t = System.nanoTime();
        Collector collector = Collector.start(CollectorConfig.from(settings.config(), bootstrapServers, schemaRegistryUrl,
                settings.topics().raw().name()), topics.raw());
        running.push(collector);
        collectorUrl = collector.url();
        progress.started("Collector", collectorUrl + "/v1/hooks", since(t));

        Path stateDir = dataDir.resolve("streams");
        t = System.nanoTime();
        EnricherConfig enricherConfig = EnricherConfig.from(settings.config(), bootstrapServers, stateDir);
        running.push(StreamsRunner.start("enricher",
                EnricherTopology.build(topics.raw(), topics.events(), new HookEventEnricher(Masker.withDefaultRules())),
                enricherConfig.streamsProperties(), START_TIMEOUT));
        progress.started("Enricher", enricherConfig.applicationId() + " running", since(t));

        t = System.nanoTime();
        AnalyticsConfig analyticsConfig = AnalyticsConfig.from(settings.config(), bootstrapServers, stateDir);
        running.push(StreamsRunner.start("analytics",
                AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(), List.of(new DestructiveCommandRule())),
                analyticsConfig.streamsProperties(), START_TIMEOUT));
        progress.started("Analytics", analyticsConfig.applicationId() + " running", since(t));

        t = System.nanoTime();
        if (settings.lokiUrl().isPresent()) {
            running.push(ConnectRunner.start(bootstrapServers, dataDir.resolve("connect"), settings.connectRestPort(),
                    settings.lokiUrl().get(), schemaRegistryUrl,
                    List.of(topics.events().name(), topics.alerts().name(), topics.sessions().name()),
                    settings.topics().dlq().name(), START_TIMEOUT));
            progress.started("Loki sink", "Connect worker -> " + settings.lokiUrl().get(), since(t));
        } else {
            progress.skipped("Loki sink", "off (set --loki-url to forward to Grafana Loki)");
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public String collectorUrl() {
        return collectorUrl;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e);
            }
        }
    }
}
