package dev.agenttelemetry.launcher.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.Cli;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.avro.PromptDetails;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.avro.ToolOutcome;
import dev.agenttelemetry.avro.ToolPairing;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent-telemetry report} over topics of its own on the real broker, in all three formats. */
class ReportCommandIT {
    private static <V extends SpecificRecord> void send(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    private static String run(String dataDir, String registry, String... args) {
        Cli.Run run = Cli.run(Cli.with(args, "--bootstrap-servers", TestKafka.bootstrapServers(), "--schema-registry-url", registry,
                "--data-dir", dataDir));
        assertThat(run.exitCode()).isZero();
        return run.out();
    }

    @Test
    void summarisesActivityAlertsRiskAndCostJoinedByPromptId() throws Exception {
        java.nio.file.Path dataDir = TestKafka.workDir("report-");
        java.nio.file.Files.writeString(dataDir.resolve("agent-telemetry.properties"), String.join("\n",
                "topic.events.name=report-events", "topic.alerts.name=report-alerts", "topic.sessions.name=report-sessions",
                "topic.otlp-logs.name=report-otlp", ""));
        TopicLayout layout = TopicLayout.from(new dev.agenttelemetry.config.ConfigReader(Map.of("topic.events.name", "report-events",
                "topic.alerts.name", "report-alerts", "topic.sessions.name", "report-sessions", "topic.otlp-logs.name", "report-otlp"), "test"));
        Instant now = Instant.now();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-report-it")) {
            TopicProvisioner.ensure(admin, List.of(layout.events(), layout.alerts(), layout.sessions(), layout.otlpLogs()), Duration.ofSeconds(30));
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            AgentEvent.Builder base = AgentEvent.newBuilder().setSource("claude-code").setSessionId("r1").setProjectName("shop").setHash("h").setReceivedAt(now);
            send(topics.events(), "r1", base.setEventId("p1").setHookEventName("UserPromptSubmit").setEventType(EventType.user_prompt)
                    .setPayload("{\"prompt_id\":\"prompt-42\"}").setPrompt(new PromptDetails(20, "fix the <flaky> test", null, List.of(), List.of())).build());
            send(topics.events(), "r1", AgentEvent.newBuilder(base.build()).setEventId("c1").setHookEventName("PreToolUse")
                    .setEventType(EventType.command_execution).setToolName("Bash").setPrompt(null).setPayload("{}").build());
            send(topics.events(), "r1", AgentEvent.newBuilder(base.build()).setEventId("c1-post").setHookEventName("PostToolUseFailure")
                    .setEventType(EventType.command_execution).setToolName("Bash").setPrompt(null).setPayload("{}")
                    .setPairing(new ToolPairing("c1", 900L, ToolOutcome.failure, "exit 1")).build());
            send(topics.events(), "r1", AgentEvent.newBuilder(base.build()).setEventId("t1").setHookEventName("PreToolUse")
                    .setEventType(EventType.sub_agent_delegation).setToolName("Task").setPrompt(null).setPayload("{}").build());
            send(topics.alerts(), "r1", SecurityAlert.newBuilder().setAlertId("a1").setRuleId("destructive_command").setTitle("t")
                    .setSeverity(Severity.critical).setSessionId("r1").setEvidence("rm -rf /").setFirstSeen(now).setLastSeen(now).build());
            send(topics.sessions(), "r1", SessionActivity.newBuilder().setSessionId("r1").setWindowKind("session").setWindowStart(now)
                    .setWindowEnd(now).setLastEventAt(now).setEventCount(4).setToolCalls(2).setRiskScore(0.61)
                    .setRiskCategory(Severity.high).setProjectName("shop").build());
            send(topics.otlpLogs(), "r1", OtlpLogRecord.newBuilder().setEventId("o1").setReceivedAt(now).setSessionId("r1")
                    .setEventName("claude_code.api_request").setPromptId("prompt-42").setTimeUnixNano(0).setObservedTimeUnixNano(0).setSeverityNumber(9)
                    .setAttributes(Map.of("cost_usd", "0.0123", "input_tokens", "1200", "output_tokens", "300", "model", "claude-sonnet-4-5")).build());

            JsonNode json = new ObjectMapper().readTree(run(dataDir.toString(), registry.url(), "report", "--format", "json"));
            assertThat(json.path("sessions").asLong()).isEqualTo(1);
            assertThat(json.path("events").asLong()).isEqualTo(4);
            assertThat(json.path("tool_calls").asLong()).isEqualTo(2);
            assertThat(json.path("failures").asLong()).isEqualTo(1);
            assertThat(json.path("delegation_share").asDouble()).isEqualTo(0.5);
            assertThat(json.path("alerts_by_severity").path("critical").asLong()).isEqualTo(1);
            assertThat(json.path("riskiest_sessions").get(0).path("category").asText()).isEqualTo("high");
            assertThat(json.path("usage").path("costUsd").asDouble()).isEqualTo(0.0123);
            assertThat(json.path("usage").path("inputTokens").asLong()).isEqualTo(1200);
            assertThat(json.path("usage").path("costliestPrompts").get(0).path("preview").asText()).isEqualTo("fix the <flaky> test");

            assertThat(run(dataDir.toString(), registry.url(), "report")).contains("# Agent telemetry report", "| tool calls | 2 |",
                    "| Bash | 1 | 1 |", "| severity | critical | 1 |", "| r1 | shop | 0.61 | high | 2 | 1 |", "| cost | $0.0123 |");
            assertThat(run(dataDir.toString(), registry.url(), "report", "--format", "html")).contains("<table>", "fix the &lt;flaky&gt; test")
                    .doesNotContain("<flaky>");
        }
    }
}
