package dev.agenttelemetry.sink.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.schemas.serde.ConfluentAvroSerializer;
import dev.agenttelemetry.testkit.TestKafka;
import dev.agenttelemetry.testkit.loki.FakeLoki;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LokiSinkTaskIT {
    private static EmbeddedSchemaRegistry registry;
    private FakeLoki loki;
    private final List<SinkRecord> reported = new ArrayList<>();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, TestKafka.bootstrapServers(), "_schemas-sink-loki");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @BeforeEach
    void startLoki() throws Exception {
        loki = FakeLoki.start();
    }

    @AfterEach
    void stopLoki() {
        loki.close();
    }

    private LokiSinkTask task(boolean withDlq) {
        LokiSinkTask task = new LokiSinkTask();
        task.initialize(new SinkTaskContext() {
            public Map<String, String> configs() { return Map.of(); }
            public void offset(Map<TopicPartition, Long> offsets) { }
            public void offset(TopicPartition tp, long offset) { }
            public void timeout(long timeoutMs) { }
            public Set<TopicPartition> assignment() { return Set.of(); }
            public void pause(TopicPartition... partitions) { }
            public void resume(TopicPartition... partitions) { }
            public void requestCommit() { }
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() { return null; }
            public ErrantRecordReporter errantRecordReporter() {
                return withDlq ? (record, error) -> { reported.add(record); return CompletableFuture.completedFuture(null); } : null;
            }
        });
        task.start(Map.of("loki.url", loki.url(), "schema.registry.url", registry.url()));
        return task;
    }

    private SinkRecord record(String topic, long offset, Object value) {
        byte[] bytes = value instanceof byte[] raw ? raw
                : new ConfluentAvroSerializer<>(new SchemaRegistryClient(registry.url()), false).serialize(topic, (org.apache.avro.specific.SpecificRecord) value);
        return new SinkRecord(topic, 0, null, "s1", null, bytes, offset, now.plusMillis(offset).toEpochMilli(), org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }

    private AgentEvent event(String id) {
        return AgentEvent.newBuilder().setEventId(id).setReceivedAt(now).setSessionId("s1").setHookEventName("PreToolUse")
                .setEventType(EventType.command_execution).setToolName("Bash").setCommand("ls").setProjectName("shop").setPayload("{}").build();
    }

    private SecurityAlert alert() {
        return SecurityAlert.newBuilder().setAlertId("a1").setRuleId("destructive_command").setTitle("t").setSeverity(Severity.critical)
                .setSessionId("s1").setEvidence("rm -rf /").setEventIds(List.of("e1")).setFirstSeen(now).setLastSeen(now).build();
    }

    @Test
    void pushesEventsAndAlertsWithLowCardinalityLabelsAndTheRecordAsJson() throws Exception {
        task(false).put(List.of(record("agent.events", 1, event("e1")), record("agent.alerts", 2, alert())));

        List<FakeLoki.Entry> events = loki.entries(Map.of("kind", "event"));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).labels()).containsEntry("service", "agent-telemetry").containsEntry("event_type", "command_execution")
                .containsEntry("tool", "Bash").containsEntry("project", "shop").containsEntry("hook_event", "PreToolUse")
                .doesNotContainKey("session_id");
        assertThat(events.get(0).timestampNanos()).isEqualTo(now.plusMillis(1).toEpochMilli() * 1_000_000L);
        JsonNode line = new ObjectMapper().readTree(events.get(0).line());
        assertThat(line.path("event_id").asText()).isEqualTo("e1");
        assertThat(line.path("session_id").asText()).isEqualTo("s1");
        assertThat(loki.entries(Map.of("kind", "alert", "severity", "critical", "rule", "destructive_command"))).hasSize(1);
    }

    @Test
    void retriesAfter5xxAndARedeliveryIsStoredOnce() {
        LokiSinkTask task = task(false);
        List<SinkRecord> batch = List.of(record("agent.events", 1, event("e1")), record("agent.events", 2, event("e2")));
        loki.failNext(new FakeLoki.Failure(500, "empty ring\n", Duration.ZERO));
        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class).hasMessageContaining("500");
        assertThat(loki.entries()).isEmpty();

        task.put(batch);
        task.put(batch); // Connect redelivers after a crash: identical entries, stored once
        assertThat(loki.entries()).hasSize(2);
    }

    @Test
    void failsWithTheKeyToFixOnAuthErrors() {
        loki.failNext(new FakeLoki.Failure(401, "no org id\n", Duration.ZERO));
        assertThatThrownBy(() -> task(false).put(List.of(record("agent.events", 1, event("e1")))))
                .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("loki.tenant").hasMessageContaining("401");
    }

    @Test
    void sendsAnUnreadableRecordToTheDeadLetterQueueAndKeepsTheRest() {
        SinkRecord bad = record("agent.events", 1, "not avro".getBytes());
        task(true).put(List.of(bad, record("agent.events", 2, event("e2"))));
        assertThat(reported).containsExactly(bad);
        assertThat(loki.entries()).hasSize(1);
    }
}
