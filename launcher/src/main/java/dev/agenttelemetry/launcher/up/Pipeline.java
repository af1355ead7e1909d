package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.analytics.AnalyticsTopology;
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
    private boolean closed;
    private String bootstrapServers;
    private String schemaRegistryUrl;
    private String collectorUrl;

    public static Pipeline start(PipelineSettings settings, Progress progress) throws Exception {
        Pipeline pipeline = new Pipeline();
        pipeline.startAll(settings, progress);
        return pipeline;
    }

    /**
     * Starts every component in order. May be called on a pipeline that another thread closes meanwhile
     * (Ctrl+C during start): what has started is stopped and this throws.
     */
    public void startAll(PipelineSettings settings, Progress progress) throws Exception {
        try {
            startComponents(settings, progress);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private synchronized <T extends AutoCloseable> T track(T component) {
        if (closed) {
            try {
                component.close();
            } catch (Exception e) {
                // stopping anyway
            }
            throw new IllegalStateException("stopped while starting");
        }
        running.push(component);
        return component;
    }

    private void startComponents(PipelineSettings settings, Progress progress) throws Exception {
        Path dataDir = settings.dataDir();
        long t = System.nanoTime();
        if (settings.bootstrapServers().isPresent()) {
            bootstrapServers = settings.bootstrapServers().get();
            KafkaCheck.requireReachable(bootstrapServers, Duration.ofSeconds(15), "check --bootstrap-servers (bootstrap.servers)");
            progress.skipped("Kafka broker", "using " + bootstrapServers);
        } else {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Settings(dataDir.resolve("kafka"),
                    "127.0.0.1", settings.brokerPort(), settings.controllerPort(), settings.config().withPrefix("broker.override.")));
            track(broker);
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
            track(registry);
            schemaRegistryUrl = registry.url();
            progress.started("Schema registry", "embedded on " + schemaRegistryUrl, since(t));
        }
        TopicCatalog topics = TopicCatalog.of(settings.topics(), new SchemaRegistryClient(schemaRegistryUrl));

        t = System.nanoTime();
        Collector collector = Collector.start(CollectorConfig.from(settings.config(), bootstrapServers,
                settings.topics().raw().name(), dataDir), topics.raw(), topics.otlpLogs());
        track(collector);
        collectorUrl = collector.url();
        progress.started("Collector", collectorUrl + "/v1/hooks", since(t));

        Path stateDir = dataDir.resolve("streams");
        t = System.nanoTime();
        EnricherConfig enricherConfig = EnricherConfig.from(settings.config(), bootstrapServers, stateDir, settings.topics().dlq().name());
        track(StreamsRunner.start("enricher",
                EnricherTopology.build(topics.raw(), topics.events(), new HookEventEnricher(Masker.create(enricherConfig.masking()), enricherConfig.promptPreviewChars()), enricherConfig.chainTtl(), enricherConfig.pairingGap()),
                enricherConfig.streamsProperties(), START_TIMEOUT));
        progress.started("Enricher", enricherConfig.applicationId() + " running", since(t));

        t = System.nanoTime();
        AnalyticsConfig analyticsConfig = AnalyticsConfig.from(settings.config(), bootstrapServers, stateDir);
        track(StreamsRunner.start("analytics",
                AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(), analyticsConfig.rules(), analyticsConfig.sessionGap()),
                analyticsConfig.streamsProperties(), START_TIMEOUT));
        progress.started("Analytics", analyticsConfig.applicationId() + " running, " + analyticsConfig.rules().rules().size()
                + " rules from " + analyticsConfig.rules().source(), since(t));

        t = System.nanoTime();
        if (settings.lokiUrl().isPresent()) {
            track(ConnectRunner.start(bootstrapServers, dataDir.resolve("connect"), settings.connectRestPort(),
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
    public synchronized void close() {
        closed = true;
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e);
            }
        }
    }
}
