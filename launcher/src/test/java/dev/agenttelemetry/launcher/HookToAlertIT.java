package dev.agenttelemetry.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.launcher.up.Pipeline;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;
import dev.agenttelemetry.lokistandin.FakeLoki;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton on a real broker: a Claude Code PreToolUse hook for {@code rm -rf /} posted to
 * the collector lands on the raw topic, then masked on the events topic, then as a SecurityAlert on the
 * alerts topic and in Loki; {@code agent-telemetry alerts --json} prints it; a restart on the same data
 * directory still has it.
 */
class HookToAlertIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SECRET = "sk-ant-api03-Qx7bF2kLm9Np4Rt6Vw8Yz1Ac3De5Fg7Hi9Jk";
    private static final String HOOK = """
            {"session_id":"e2e-session-1","transcript_path":"/home/dev/.claude/projects/shop/e2e-session-1.jsonl",
             "cwd":"/home/dev/shop","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash",
             "tool_input":{"command":"ANTHROPIC_API_KEY=%s rm -rf /","description":"clean everything"},
             "tool_use_id":"toolu_01E2E"}""".formatted(SECRET);

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aDestructiveCommandTravelsFromHookToAlertAndSurvivesARestart() throws Exception {
        Path dataDir = TestKafka.workDir("e2e-");
        Map<String, String> ports = Map.of("broker.port", Integer.toString(FreePorts.loopback()), "broker.controller.port", Integer.toString(FreePorts.loopback()),
                "schema.registry.port", "0", "collector.port", "0", "connect.rest.port", "0");
        String eventId;
        try (FakeLoki loki = FakeLoki.start()) {
            Map<String, String> options = new java.util.HashMap<>(ports);
            options.put("loki.url", loki.url());
            try (Pipeline pipeline = Pipeline.start(PipelineSettings.load(dataDir, null, options), quiet())) {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(pipeline.collectorUrl() + "/v1/hooks"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(HOOK)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).as("an empty body: Claude Code reads JSON as a hook decision").isEmpty();
                eventId = answer.headers().firstValue("X-Event-Id").orElseThrow();

                TopicCatalog topics = TopicCatalog.of(PipelineSettings.load(dataDir, null, Map.of()).topics(),
                        new SchemaRegistryClient(pipeline.schemaRegistryUrl()));
                String id = eventId;
                HookEnvelope raw = awaitRecord(pipeline.bootstrapServers(), topics.raw(), e -> e.getEventId().equals(id));
                assertThat(raw.getSessionId()).isEqualTo("e2e-session-1");
                assertThat(raw.getPayload()).as("the raw topic keeps the payload as received").contains(SECRET);

                AgentEvent event = awaitRecord(pipeline.bootstrapServers(), topics.events(), e -> e.getEventId().equals(id));
                assertThat(event.getEventType()).isEqualTo(EventType.command_execution);
                assertThat(event.getCommand()).contains("rm -rf /").doesNotContain(SECRET);
                assertThat(event.getPayload()).doesNotContain(SECRET).doesNotContain("/home/dev");
                assertThat(event.getSequence()).as("first event of its session").isEqualTo(1L);
                assertThat(event.getHash()).hasSize(64);

                SecurityAlert alert = awaitRecord(pipeline.bootstrapServers(), topics.alerts(),
                        a -> a.getEventIds().contains(id) && a.getRuleId().equals("destructive_command"));
                assertThat(alert.getRuleId()).isEqualTo("destructive_command");
                assertThat(alert.getSeverity()).isEqualTo(Severity.critical);
                assertThat(alert.getSessionId()).isEqualTo("e2e-session-1");
                assertThat(alert.getProjectName()).isEqualTo("shop");
                assertThat(alert.getEvidence()).doesNotContain(SECRET);

                JsonNode printed = alertsJson(pipeline.bootstrapServers(), pipeline.schemaRegistryUrl());
                assertThat(printed.path("rule_id").asText()).isEqualTo("destructive_command");
                assertThat(printed.path("event_ids").get(0).asText()).isEqualTo(eventId);

                awaitLoki(loki, Map.of("kind", "alert", "severity", "critical"));
                List<FakeLoki.Entry> inLoki = awaitLoki(loki, Map.of("kind", "event", "project", "shop"));
                assertThat(inLoki.get(0).metadata()).containsEntry("event_type", "command_execution").containsEntry("tool_name", "Bash");
                assertThat(inLoki.get(0).line()).contains(eventId).doesNotContain(SECRET);
            }
        }

        try (Pipeline restarted = Pipeline.start(PipelineSettings.load(dataDir, null, ports), quiet())) {
            JsonNode printed = alertsJson(restarted.bootstrapServers(), restarted.schemaRegistryUrl());
            assertThat(printed.path("event_ids").get(0).asText()).as("the alert is still there after a restart").isEqualTo(eventId);
        }
    }

    private static Pipeline.Progress quiet() {
        return new Pipeline.Progress() {
            @Override
            public void started(String component, String detail, Duration took) {
                System.out.println("started " + component + ": " + detail);
            }

            @Override
            public void skipped(String component, String why) {
                System.out.println("skipped " + component + ": " + why);
            }
        };
    }

    private JsonNode alertsJson(String bootstrapServers, String registryUrl) throws IOException {
        StringWriter out = new StringWriter();
        CommandLine cli = AgentTelemetry.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("alerts", "--json", "--severity", "critical", "--bootstrap-servers", bootstrapServers, "--schema-registry-url", registryUrl);
        assertThat(exit).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(1);
        return json.readTree(lines.get(0));
    }

    private static <V> V awaitRecord(String bootstrapServers, Topic<String, V> topic, Predicate<V> wanted) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(WAIT);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(record.value())) {
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + topic.name() + " within " + WAIT);
    }

    private static List<FakeLoki.Entry> awaitLoki(FakeLoki loki, Map<String, String> selector) {
        return await("entries in Loki matching " + selector).atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> loki.entries(selector), found -> !found.isEmpty());
    }
}
