package dev.agenttelemetry.collector.publish;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.schemas.topics.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes hook envelopes to the raw topic, keyed by session id so each session stays in order on one
 * partition; completes when the broker has acknowledged the write (acks=all, idempotent).
 */
public final class HookPublisher implements AutoCloseable {
    private final Producer<String, HookEnvelope> producer;
    private final String topic;

    public HookPublisher(Producer<String, HookEnvelope> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public static HookPublisher create(String bootstrapServers, Topic<String, HookEnvelope> topic, Map<String, String> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "agent-telemetry-collector");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        // The agent waits for our answer, and we answer after the ack: do not hold records back for batching.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        config.putAll(overrides);
        return new HookPublisher(new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer()), topic.name());
    }

    public CompletionStage<RecordMetadata> publish(HookEnvelope envelope) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, envelope.getReceivedAt().toEpochMilli(), envelope.getSessionId(), envelope),
                    (metadata, error) -> {
                        if (error != null) {
                            acked.completeExceptionally(error);
                        } else {
                            acked.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e); // serialization or buffer-full errors are thrown, not called back
        }
        return acked;
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
