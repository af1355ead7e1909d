package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.collector.context.LocalContext;
import dev.agenttelemetry.collector.http.CollectorServer;
import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.agenttelemetry.collector.otlp.OtlpIntake;
import dev.agenttelemetry.collector.publish.HookPublisher;
import dev.agenttelemetry.collector.publish.KafkaSender;
import dev.agenttelemetry.collector.spool.Spool;
import dev.agenttelemetry.topics.Topic;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The collector application: an HTTP endpoint for agent hooks that publishes each event to the raw topic,
 * or to its on-disk spool while Kafka cannot take it.
 */
public final class Collector implements AutoCloseable {
    private final HookPublisher publisher;
    private final OtlpIntake otlp;
    private final CollectorServer server;

    private Collector(HookPublisher publisher, OtlpIntake otlp, CollectorServer server) {
        this.publisher = publisher;
        this.otlp = otlp;
        this.server = server;
    }

    /** A collector with meters of its own (tests, embedding); its /metrics shows only them. */
    public static Collector start(CollectorConfig config, Topic<String, HookEnvelope> rawTopic, Topic<String, OtlpLogRecord> otlpTopic)
            throws IOException, InterruptedException {
        return start(config, rawTopic, otlpTopic, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** @param registry where its meters go and what /metrics renders: the process's, in {@code up}, to show every component */
    public static Collector start(CollectorConfig config, Topic<String, HookEnvelope> rawTopic, Topic<String, OtlpLogRecord> otlpTopic,
                                  PrometheusMeterRegistry registry) throws IOException, InterruptedException {
        CollectorMetrics metrics = new CollectorMetrics(registry);
        Spool spool = Spool.open(config.spoolDir(), config.spoolMaxBytes(), config.spoolSegmentBytes(), config.fsync(), config.fsyncInterval());
        HookPublisher publisher = new HookPublisher(KafkaSender.create(config.kafka(), rawTopic, config.producerOverrides(),
                HookEnvelope::getSessionId, e -> e.getReceivedAt().toEpochMilli(), registry), spool, config.ackTimeout(), config.sendThreads(), metrics);
        OtlpIntake otlp = new OtlpIntake(KafkaSender.create(config.kafka(), otlpTopic, config.producerOverrides(),
                OtlpLogRecord::getSessionId, r -> r.getReceivedAt().toEpochMilli(), registry));
        try {
            HookIntake intake = new HookIntake(new EnvelopeFactory(config.localContext()
                    ? Optional.of(new LocalContext(Duration.ofSeconds(5))) : Optional.empty()), publisher, metrics);
            FallbackFile.ingest(config.fallbackFile(), intake);
            return new Collector(publisher, otlp, CollectorServer.start(config, intake, otlp, metrics));
        } catch (IOException | RuntimeException | InterruptedException e) {
            publisher.close();
            otlp.close();
            throw e;
        }
    }

    public String url() {
        return server.url();
    }

    @Override
    public void close() {
        server.close();
        publisher.close();
        otlp.close();
    }
}
