package dev.agenttelemetry.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

import java.util.List;

/**
 * Kafka's own client metrics (records sent, lag, request latency, ...) in the global registry, tagged with the
 * component that owns the client. Closing unbinds them, so a restarted client does not leave stale meters.
 */
public final class KafkaMeters implements AutoCloseable {
    private final AutoCloseable binder;

    private KafkaMeters(AutoCloseable binder) {
        this.binder = binder;
    }

    public static KafkaMeters of(Producer<?, ?> producer, String component, MeterRegistry registry) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(producer, List.of(Tag.of("component", component)));
        metrics.bindTo(registry);
        return new KafkaMeters(metrics);
    }

    /** Kafka Streams' metrics (kept out of {@link KafkaMeters#of} so that plain clients need no kafka-streams jar). */
    public static final class Streams {
        private Streams() {
        }

        public static KafkaMeters of(KafkaStreams streams, String component) {
            KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams, List.of(Tag.of("component", component)));
            metrics.bindTo(Metrics.globalRegistry);
            return new KafkaMeters(metrics);
        }
    }

    @Override
    public void close() {
        try {
            binder.close();
        } catch (Exception e) {
            // unbinding meters cannot fail in a way that matters to the caller
        }
    }
}
