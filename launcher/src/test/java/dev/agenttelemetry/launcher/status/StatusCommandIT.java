package dev.agenttelemetry.launcher.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.Cli;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent-telemetry status} with some components up and others not. */
class StatusCommandIT {
    @Test
    void reportsEachComponentAndFailsWhenOneIsDown() throws Exception {
        String raw = "status-it-raw";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-status-it")) {
            admin.createTopics(List.of(new NewTopic(raw, 1, (short) 1))).all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(raw, "s", "r" + i)).get();
                }
            }
            // A member of the enricher's group that has committed 2 of the 5 records: running, lag 3.
            Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers(), "group.id", "status-it-enricher",
                    "auto.offset.reset", "earliest", "enable.auto.commit", false, "max.poll.records", 2));
            try (KafkaConsumer<String, String> enricher = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                enricher.subscribe(List.of(raw));
                int read = 0;
                while (read < 2) {
                    read += enricher.poll(Duration.ofMillis(200)).count();
                }
                enricher.commitSync(Map.of(new org.apache.kafka.common.TopicPartition(raw, 0), new org.apache.kafka.clients.consumer.OffsetAndMetadata(2)));

                java.nio.file.Path dataDir = TestKafka.workDir("status-");
                java.nio.file.Files.writeString(dataDir.resolve("agent-telemetry.properties"),
                        "enricher.application.id=status-it-enricher\ntopic.raw.name=" + raw + "\n");
                Cli.Run status = Cli.run("status", "--json", "--bootstrap-servers", TestKafka.bootstrapServers(), "--schema-registry-url",
                        registry.url(), "--collector-url", "http://127.0.0.1:1", "--connect-url", "http://127.0.0.1:1", "--data-dir", dataDir.toString());
                assertThat(status.exitCode()).isEqualTo(1);
                Map<String, JsonNode> byComponent = new HashMap<>();
                new ObjectMapper().readTree(status.out()).forEach(check -> byComponent.put(check.path("component").asText(), check));
                assertThat(byComponent.get("kafka").path("ok").asBoolean()).isTrue();
                assertThat(byComponent.get("schema registry").path("ok").asBoolean()).isTrue();
                assertThat(byComponent.get("collector").path("ok").asBoolean()).isFalse();
                assertThat(byComponent.get("collector").path("detail").asText()).contains("no answer from http://127.0.0.1:1/healthz");
                assertThat(byComponent.get("loki sink").path("ok").asBoolean()).isFalse();
                assertThat(byComponent.get("enricher").path("ok").asBoolean()).isTrue();
                assertThat(byComponent.get("enricher").path("detail").asText()).contains("group status-it-enricher", "1 instance", "lag 3 records on " + raw);
                assertThat(byComponent.get("analytics").path("ok").asBoolean()).as("no analytics instance here").isFalse();

                // Port 0 means "any free port": status cannot guess it and says which option names it.
                java.nio.file.Files.writeString(dataDir.resolve("agent-telemetry.properties"), "collector.port=0\nconnect.rest.port=0\nloki.url=http://127.0.0.1:3100\n");
                Cli.Run anyPort = Cli.run("status", "--json", "--bootstrap-servers", TestKafka.bootstrapServers(), "--schema-registry-url",
                        registry.url(), "--data-dir", dataDir.toString());
                Map<String, JsonNode> anyPortChecks = new HashMap<>();
                new ObjectMapper().readTree(anyPort.out()).forEach(check -> anyPortChecks.put(check.path("component").asText(), check));
                assertThat(anyPortChecks.get("collector").path("detail").asText()).contains("collector.port=0", "--collector-url");
                assertThat(anyPortChecks.get("loki sink").path("detail").asText()).contains("connect.rest.port=0", "--connect-url");
                assertThat(anyPortChecks.get("loki sink").path("status").asText()).isEqualTo("unknown");

                // No loki.url and no --connect-url: the sink is off, which is no fault.
                java.nio.file.Files.writeString(dataDir.resolve("agent-telemetry.properties"), "collector.port=0\n");
                Cli.Run noLoki = Cli.run("status", "--json", "--bootstrap-servers", TestKafka.bootstrapServers(), "--schema-registry-url",
                        registry.url(), "--data-dir", dataDir.toString());
                Map<String, JsonNode> noLokiChecks = new HashMap<>();
                new ObjectMapper().readTree(noLoki.out()).forEach(check -> noLokiChecks.put(check.path("component").asText(), check));
                assertThat(noLokiChecks.get("loki sink").path("status").asText()).isEqualTo("off");
                assertThat(noLokiChecks.get("loki sink").path("ok").asBoolean()).isTrue();
                assertThat(noLokiChecks.get("loki sink").path("detail").asText()).contains("not configured", "loki.url");
            }
        }
    }
}
