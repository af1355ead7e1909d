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

/**
 * Sends hook envelopes to the raw topic, keyed by session id so each session stays in order on one
 * partition; completes when the broker has acknowledged the write (acks=all, idempotent).
 */
public final class KafkaSender implements AutoCloseable {
    private final Producer<String, HookEnvelope> producer;
    private final String topic;

    KafkaSender(Producer<String, HookEnvelope> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public static KafkaSender create(String bootstrapServers, Topic<String, HookEnvelope> topic, Map<String, String> overrides) {
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
        // send() may block this long on missing metadata or a full buffer; callers never block the HTTP threads on it.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putAll(overrides);
        return new KafkaSender(new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer()), topic);
    }

    private KafkaSender(Producer<String, HookEnvelope> producer, Topic<String, HookEnvelope> topic) {
        this(producer, topic.name());
    }

    public CompletableFuture<RecordMetadata> send(HookEnvelope envelope) {
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
            acked.completeExceptionally(e); // serialization, metadata or buffer-full errors are thrown, not called back
        }
        return acked;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
