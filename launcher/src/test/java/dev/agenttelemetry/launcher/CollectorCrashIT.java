package dev.agenttelemetry.launcher;

import dev.agenttelemetry.testkit.ChildJvm;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A collector process is killed (SIGKILL) while Kafka is unreachable and its spool holds accepted events;
 * a new collector on the same data directory, with Kafka reachable, delivers every one of them in order.
 */
class CollectorCrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killedWithANonEmptySpoolThenRestartedLosesNothing() throws Exception {
        Path dataDir = TestKafka.workDir("crash-");
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-crash")) {
            TopicLayout layout = TopicLayout.from(new ConfigReader(Map.of("topic.raw.name", "raw-crash"), "test"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
                TopicProvisioner.ensure(admin, List.of(layout.raw(), layout.otlpLogs()), Duration.ofSeconds(30));
            }
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            // Register the schema now: the child collector cannot reach Kafka, but must serialize to spool and replay.
            new SchemaRegistryClient(registry.url()).register("raw-crash-value", HookEnvelope.getClassSchema());

            Process child = ChildProcesses.start("collector", "--data-dir", dataDir.toString(), "--collector-port", "0",
                    "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", registry.url());
            String url = ChildJvm.awaitLine(child, Pattern.compile("hooks to (http://\\S+)/v1/hooks"), Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            List<Integer> accepted = new ArrayList<>();
            for (int n = 0; n < 40; n++) {
                String body = "{\"session_id\":\"crash-" + (n % 2) + "\",\"hook_event_name\":\"PreToolUse\",\"seq\":" + n + "}";
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/hooks")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.headers().firstValue("X-Spooled")).hasValue("true");
                accepted.add(n);
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            try (Collector restarted = Collector.start(CollectorConfig.from(new ConfigReader(Map.of("collector.port", "0"), "test"),
                    TestKafka.bootstrapServers(), layout.raw().name(), dataDir), topics.raw(), topics.otlpLogs())) {
                Map<String, List<Integer>> bySession = new java.util.TreeMap<>();
                for (HookEnvelope envelope : read(topics.raw(), accepted.size(), Duration.ofSeconds(60))) {
                    bySession.computeIfAbsent(envelope.getSessionId(), k -> new ArrayList<>())
                            .add(JSON.readTree(envelope.getPayload()).path("seq").asInt());
                }
                assertThat(bySession.get("crash-0")).containsExactlyElementsOf(accepted.stream().filter(n -> n % 2 == 0).toList());
                assertThat(bySession.get("crash-1")).containsExactlyElementsOf(accepted.stream().filter(n -> n % 2 == 1).toList());
            }
        }
    }

    private static List<HookEnvelope> read(Topic<String, HookEnvelope> topic, int expected, Duration wait) {
        List<HookEnvelope> records = new ArrayList<>();
        try (KafkaConsumer<String, HookEnvelope> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(wait);
            while (records.size() < expected && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(r.value()));
            }
        }
        return records;
    }
}
