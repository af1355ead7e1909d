package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka unreachable until the spool is full: further hooks get 503 with a reason, readiness and metrics say
 * so, and every hook accepted before reaches Kafka once a collector with Kafka runs on the same directory.
 */
class SpoolFullIT {
    @Test
    void refusesClearlyWhenTheSpoolIsFullAndLosesNothingItAccepted() throws Exception {
        Path dir = TestKafka.workDir("spool-full-");
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-spool-full")) {
            CollectorFixture fixture = new CollectorFixture(TestKafka.bootstrapServers(), registry.url(), "raw-spool-full", dir);
            new SchemaRegistryClient(registry.url()).register("raw-spool-full-value", HookEnvelope.getClassSchema());
            Map<String, String> settings = Map.of("collector.port", "0", "collector.ack.timeout.ms", "200",
                    "collector.spool.max.bytes", String.valueOf(1 << 20), "collector.spool.segment.bytes", String.valueOf(1 << 16));
            List<String> accepted = new ArrayList<>();
            String padding = "x".repeat(8_000);
            try (Collector offline = Collector.start(CollectorConfig.from(new ConfigReader(settings, "test"), "127.0.0.1:1", fixture.raw.name(), dir),
                    fixture.raw, fixture.otlp)) {
                HttpResponse<String> refused = null;
                for (int n = 0; n < 400 && refused == null; n++) {
                    HttpResponse<String> answer = CollectorFixture.post(offline.url() + "/v1/hooks", "application/json",
                            "{\"session_id\":\"full-" + (n % 3) + "\",\"hook_event_name\":\"PreToolUse\",\"n\":" + n + ",\"pad\":\"" + padding + "\"}");
                    if (answer.statusCode() == 200) {
                        accepted.add(answer.headers().firstValue("X-Event-Id").orElseThrow());
                    } else {
                        refused = answer;
                    }
                }
                assertThat(refused).as("a refusal once the spool is full").isNotNull();
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.body()).contains("local spool is full");
                assertThat(accepted).hasSizeGreaterThan(50);
                assertThat(CollectorFixture.get(offline.url() + "/readyz").statusCode()).isEqualTo(503);
                String metrics = CollectorFixture.get(offline.url() + "/metrics").body();
                assertThat(metrics).contains("collector_spooling 1.0", "collector_spool_bytes", "status=\"503\"",
                        "collector_rejections_total{reason=\"spool_full\"} 1.0");
            }
            try (Collector online = Collector.start(CollectorConfig.from(new ConfigReader(settings, "test"), TestKafka.bootstrapServers(),
                    fixture.raw.name(), dir), fixture.raw, fixture.otlp)) {
                Set<String> delivered = new HashSet<>();
                try (KafkaConsumer<String, HookEnvelope> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                        fixture.raw.keySerde().deserializer(), fixture.raw.valueSerde().deserializer())) {
                    List<TopicPartition> partitions = consumer.partitionsFor(fixture.raw.name()).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    Instant deadline = Instant.now().plusSeconds(60);
                    while (delivered.size() < accepted.size() && Instant.now().isBefore(deadline)) {
                        for (ConsumerRecord<String, HookEnvelope> record : consumer.poll(Duration.ofMillis(200))) {
                            delivered.add(record.value().getEventId());
                        }
                    }
                }
                assertThat(delivered).as("every accepted hook delivered after the spool replayed").containsAll(accepted);
            }
        }
    }
}
