package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.runtime.StreamsApp;
import dev.agenttelemetry.analytics.AnalyticsApp;
import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.enricher.EnricherApp;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import dev.agenttelemetry.launcher.KafkaCheck;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.launcher.security.AccessPlan;
import dev.agenttelemetry.metrics.PrometheusEndpoint;
import dev.agenttelemetry.launcher.security.EmbeddedBrokerSecurity;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.Replication;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole pipeline in one JVM: the embedded broker and registry (unless existing ones are given), the
 * topics, the collector, the enricher and analytics Streams applications, and a Connect worker with the
 * Loki sink when a Loki URL is set. Closing stops everything in reverse order.
 */
public final class Pipeline implements AutoCloseable {
    private static final Duration START_TIMEOUT = StreamsApp.START_TIMEOUT;

    /** Setting: Streams applications {@code up} leaves out because they run in processes of their own. */
    public static final String WITHOUT = "up.without";
    /** Settings passed to the Loki sink connector, prefix removed: {@code loki.sink.labels.fields}, {@code loki.sink.loki.tenant}. */
    public static final String LOKI_SINK_PREFIX = "loki.sink.";
    public static final String ENRICHER = EnricherApp.NAME;
    public static final String ANALYTICS = AnalyticsApp.NAME;

    /** Told about each component as it comes up, for progress output. */
    public interface Progress {
        void started(String component, String detail, Duration took);

        void skipped(String component, String why);

        /** Progress nobody reads (tests, benchmarks). */
        static Progress silent() {
            return new Progress() {
                @Override
                public void started(String component, String detail, Duration took) {
                }

                @Override
                public void skipped(String component, String why) {
                }
            };
        }
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
            KafkaCheck.requireReachable(settings.kafkaAccess(bootstrapServers, AccessPlan.ADMIN), Duration.ofSeconds(15),
                    "check --bootstrap-servers (bootstrap.servers)");
            progress.skipped("Kafka broker", "using " + bootstrapServers);
        } else {
            EmbeddedKafkaBroker broker = track(startEmbeddedBroker(settings));
            bootstrapServers = broker.bootstrapServers();
            progress.started("Kafka broker", describe(broker, settings), since(t));
        }

        t = System.nanoTime();
        short replicationFactor;
        try (Admin admin = Admin.create(settings.kafkaAccess(bootstrapServers, AccessPlan.ADMIN).clientProperties())) {
            TopicProvisioner.ensure(admin, settings.topics().all(), START_TIMEOUT);
            replicationFactor = Replication.factor(admin, TopicLayout.replicationFactor(settings.config()));
        }
        progress.started("Topics", settings.topics().all().size() + " ready", since(t));

        t = System.nanoTime();
        if (settings.schemaRegistryUrl().isPresent()) {
            schemaRegistryUrl = settings.schemaRegistryUrl().get();
            progress.skipped("Schema registry", "using " + schemaRegistryUrl);
        } else {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", settings.registryPort(),
                    settings.kafkaAccess(bootstrapServers, EmbeddedSchemaRegistry.PRINCIPAL),
                    settings.registryTopic(), replicationFactor);
            track(registry);
            schemaRegistryUrl = registry.url();
            progress.started("Schema registry", "embedded on " + schemaRegistryUrl, since(t));
        }
        TopicCatalog topics = TopicCatalog.registered(settings.topics(), new SchemaRegistryClient(schemaRegistryUrl));

        t = System.nanoTime();
        Collector collector = Collector.start(CollectorConfig.from(settings.config(), bootstrapServers,
                settings.topics().raw().name(), dataDir), topics.raw(), topics.otlpLogs(), PrometheusEndpoint.get().registry());
        track(collector);
        collectorUrl = collector.url();
        progress.started("Collector", collectorUrl + "/v1/hooks, /metrics", since(t));

        Set<String> elsewhere = runElsewhere(settings);
        t = System.nanoTime();
        if (elsewhere.contains(ENRICHER)) {
            progress.skipped("Enricher", "runs elsewhere (" + WITHOUT + ")");
        } else {
            EnricherConfig enricherConfig = EnricherConfig.from(settings.config(), bootstrapServers, dataDir.resolve("streams"), settings.topics().dlq().name());
            track(EnricherApp.start(enricherConfig, topics, StreamsApp.stallTimeout(settings.config())));
            progress.started("Enricher", enricherConfig.applicationId() + " running", since(t));
        }

        t = System.nanoTime();
        if (elsewhere.contains(ANALYTICS)) {
            progress.skipped("Analytics", "runs elsewhere (" + WITHOUT + ")");
        } else {
            AnalyticsConfig analyticsConfig = AnalyticsConfig.from(settings.config(), bootstrapServers, dataDir.resolve("streams"));
            track(AnalyticsApp.start(analyticsConfig, topics, StreamsApp.stallTimeout(settings.config())));
            progress.started("Analytics", analyticsConfig.applicationId() + " running, " + analyticsConfig.rules().rules().size()
                    + " rules from " + analyticsConfig.rules().source(), since(t));
        }

        t = System.nanoTime();
        if (settings.lokiUrl().isPresent()) {
            ConnectRunner connect = track(ConnectRunner.start(settings.kafkaAccess(bootstrapServers, AccessPlan.CONNECT), dataDir.resolve("connect"),
                    settings.connectRestPort(), settings.lokiUrl().get(), schemaRegistryUrl,
                    List.of(topics.events().name(), topics.alerts().name(), topics.sessions().name()),
                    settings.topics().dlq().name(), replicationFactor, lokiSinkSettings(settings), START_TIMEOUT));
            progress.started("Loki sink", "Connect worker " + connect.restUrl() + " -> " + settings.lokiUrl().get(), since(t));
        } else {
            progress.skipped("Loki sink", "off (set --loki-url to forward to Grafana Loki)");
        }
    }

    /** {@code loki.sink.*}: more settings of the Loki sink connector, prefix removed. */
    static java.util.Map<String, String> lokiSinkSettings(PipelineSettings settings) {
        return settings.config().withPrefix(LOKI_SINK_PREFIX);
    }

    /** {@code broker.override.*}: further properties of the embedded broker, prefix removed. */
    static java.util.Map<String, String> brokerOverrides(PipelineSettings settings) {
        return settings.config().withPrefix("broker.override.");
    }

    /** The Streams applications that {@code up.without} says run in processes of their own ({@code agent-telemetry enricher}, ...). */
    static Set<String> runElsewhere(PipelineSettings settings) {
        Set<String> without = new java.util.LinkedHashSet<>();
        for (String component : settings.config().string(WITHOUT, "").split(",")) {
            String name = component.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!name.equals(ENRICHER) && !name.equals(ANALYTICS)) {
                throw new ConfigException(WITHOUT, "'" + name + "' is not a component up can leave out; use enricher, analytics or both");
            }
            without.add(name);
        }
        return without;
    }

    /**
     * The embedded broker on {@code <data-dir>/kafka}; with {@code kafka.security.protocol=SASL_SSL} secured, with
     * every component's user and ACLs in place.
     */
    public static EmbeddedKafkaBroker startEmbeddedBroker(PipelineSettings settings) throws Exception {
        Optional<EmbeddedKafkaBroker.Security> security = embeddedBrokerSecurity(settings);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Settings(settings.dataDir().resolve("kafka"),
                "127.0.0.1", settings.brokerPort(), settings.controllerPort(), brokerOverrides(settings), security));
        if (security.isPresent()) {
            try {
                EmbeddedBrokerSecurity.provision(broker, settings.securityDir(), settings.accessPlan());
            } catch (RuntimeException | IOException e) {
                broker.close();
                throw e;
            }
        }
        return broker;
    }

    /** One line about the embedded broker, for progress output. */
    public static String describe(EmbeddedKafkaBroker broker, PipelineSettings settings) {
        return "embedded KRaft on " + broker.bootstrapServers() + (broker.superUserClientSecurity().isEmpty() ? "" : ", SASL_SSL with "
                + AccessPlan.PRINCIPALS.size() + " principals and their ACLs (secrets in " + settings.securityDir() + ")");
    }

    /**
     * The secured embedded broker's settings when {@code kafka.security.protocol} is SASL_SSL; it speaks nothing
     * else but PLAINTEXT, so other protocols and mechanisms need a Kafka of your own.
     */
    private static Optional<EmbeddedKafkaBroker.Security> embeddedBrokerSecurity(PipelineSettings settings) throws Exception {
        String protocol = KafkaAccess.protocol(settings.config());
        if (protocol.equals("PLAINTEXT")) {
            return Optional.empty();
        }
        String mechanism = KafkaAccess.mechanism(settings.config());
        if (!protocol.equals("SASL_SSL") || !mechanism.equals("SCRAM-SHA-512")) {
            throw new ConfigException(KafkaAccess.PROTOCOL, "the embedded broker speaks PLAINTEXT, or SASL_SSL with SCRAM-SHA-512; for "
                    + protocol + (protocol.startsWith("SASL") ? " with " + mechanism : "") + " point --bootstrap-servers at a Kafka of your own");
        }
        return Optional.of(EmbeddedBrokerSecurity.prepare(settings.securityDir()));
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

    /** Where Prometheus scrapes every component of this process: the collector's /metrics renders the process's registry. */
    public String metricsUrl() {
        return collectorUrl + "/metrics";
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
