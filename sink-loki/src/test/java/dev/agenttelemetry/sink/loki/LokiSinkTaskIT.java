package dev.agenttelemetry.sink.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.schemas.serde.ConfluentAvroSerializer;
import dev.agenttelemetry.testkit.TestKafka;
import dev.agenttelemetry.lokistandin.FakeLoki;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink task against the Loki stand-in (snappy protobuf and JSON), with real Avro from the registry. */
class LokiSinkTaskIT {
    private static final TopicPartition EVENTS_0 = new TopicPartition("agent.events", 0);
    private static EmbeddedSchemaRegistry registry;
    private FakeLoki loki;
    private final List<SinkRecord> deadLettered = new ArrayList<>();
    private final List<Throwable> deadLetterReasons = new ArrayList<>();
    private final Map<TopicPartition, Long> rewound = new HashMap<>();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-sink-loki");
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

    private LokiSinkTask task(boolean withDlq, String... settings) {
        LokiSinkTask task = new LokiSinkTask();
        task.initialize(new SinkTaskContext() {
            public Map<String, String> configs() { return Map.of(); }
            public void offset(Map<TopicPartition, Long> offsets) { rewound.putAll(offsets); }
            public void offset(TopicPartition tp, long offset) { rewound.put(tp, offset); }
            public void timeout(long timeoutMs) { }
            public Set<TopicPartition> assignment() { return Set.of(EVENTS_0); }
            public void pause(TopicPartition... partitions) { }
            public void resume(TopicPartition... partitions) { }
            public void requestCommit() { }
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() { return null; }
            public ErrantRecordReporter errantRecordReporter() {
                return withDlq ? (record, error) -> {
                    deadLettered.add(record);
                    deadLetterReasons.add(error);
                    return CompletableFuture.completedFuture(null);
                } : null;
            }
        });
        Map<String, String> props = new HashMap<>(Map.of("loki.url", loki.url(), "schema.registry.url", registry.url(),
                "retry.backoff.initial.ms", "1", "retry.backoff.max.ms", "5"));
        for (int i = 0; i < settings.length; i += 2) {
            props.put(settings[i], settings[i + 1]);
        }
        task.start(props);
        return task;
    }

    private SinkRecord record(String topic, long offset, Object value) {
        return record(topic, offset, value, now.plusMillis(offset));
    }

    private SinkRecord record(String topic, long offset, Object value, Instant timestamp) {
        byte[] bytes = value instanceof byte[] raw ? raw
                : new ConfluentAvroSerializer<>(new SchemaRegistryClient(registry.url()), false).serialize(topic, (org.apache.avro.specific.SpecificRecord) value);
        return new SinkRecord(topic, 0, null, "s1", null, bytes, offset, timestamp.toEpochMilli(), TimestampType.CREATE_TIME);
    }

    private AgentEvent event(String id) {
        return event(id, "ls");
    }

    private AgentEvent event(String id, String command) {
        return AgentEvent.newBuilder().setEventId(id).setReceivedAt(now).setSessionId("s1").setHookEventName("PreToolUse")
                .setEventType(EventType.command_execution).setToolName("Bash").setToolUseId("toolu_" + id).setCommand(command)
                .setProjectName("shop").setPayload("{}").setHash("h").build();
    }

    private SecurityAlert alert() {
        return SecurityAlert.newBuilder().setAlertId("a1").setRuleId("destructive_command").setTitle("t").setSeverity(Severity.critical)
                .setSessionId("s1").setEvidence("rm -rf /").setEventIds(List.of("e1")).setFirstSeen(now).setLastSeen(now).build();
    }

    @Test
    void pushesSnappyProtobufWithLowCardinalityLabelsIdsAsStructuredMetadataAndTheRecordAsJson() throws Exception {
        task(false).put(List.of(record("agent.events", 1, event("e1")), record("agent.alerts", 2, alert())));

        List<FakeLoki.Entry> events = loki.entries(Map.of("kind", "event"));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).labels()).as("few labels, each of a bounded set: every stream Loki indexes")
                .containsOnly(Map.entry("service", "agent-telemetry"), Map.entry("kind", "event"), Map.entry("project", "shop"));
        assertThat(events.get(0).metadata()).containsEntry("session_id", "s1").containsEntry("event_id", "e1").containsEntry("tool_use_id", "toolu_e1")
                .containsEntry("event_type", "command_execution").containsEntry("tool_name", "Bash").containsEntry("hook_event_name", "PreToolUse");
        assertThat(events.get(0).timestampNanos()).isEqualTo(now.plusMillis(1).toEpochMilli() * 1_000_000L);
        JsonNode line = new ObjectMapper().readTree(events.get(0).line());
        assertThat(line.path("event_id").asText()).isEqualTo("e1");
        assertThat(loki.entries(Map.of("kind", "alert", "severity", "critical")))
                .singleElement().satisfies(entry -> assertThat(entry.metadata()).containsEntry("alert_id", "a1").containsEntry("rule_id", "destructive_command"));
    }

    @Test
    void jsonEncodingCarriesTheSameEntries() {
        task(false, "loki.encoding", "json").put(List.of(record("agent.events", 1, event("e1"))));
        assertThat(loki.entries(Map.of("kind", "event"))).singleElement()
                .satisfies(entry -> assertThat(entry.metadata()).containsEntry("event_id", "e1"));
    }

    @Test
    void readsStructsFromAConnectConverterToo() throws Exception {
        org.apache.kafka.connect.data.Schema schema = org.apache.kafka.connect.data.SchemaBuilder.struct().name("dev.agenttelemetry.avro.SecurityAlert")
                .field("alert_id", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("rule_id", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("severity", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("session_id", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("first_seen", org.apache.kafka.connect.data.Timestamp.SCHEMA).build();
        org.apache.kafka.connect.data.Struct struct = new org.apache.kafka.connect.data.Struct(schema).put("alert_id", "a9")
                .put("rule_id", "privilege_escalation").put("severity", "high").put("session_id", "s9").put("first_seen", java.util.Date.from(now));
        task(false).put(List.of(new SinkRecord("agent.alerts", 0, null, "s9", schema, struct, 7, now.toEpochMilli(), TimestampType.CREATE_TIME)));
        FakeLoki.Entry entry = loki.entries(Map.of("kind", "alert", "severity", "high")).get(0);
        assertThat(entry.metadata()).containsEntry("alert_id", "a9").containsEntry("session_id", "s9").containsEntry("rule_id", "privilege_escalation");
        assertThat(new ObjectMapper().readTree(entry.line()).path("first_seen").asText()).isEqualTo(Instant.ofEpochMilli(now.toEpochMilli()).toString());
    }

    @Test
    void retries429And5xxWithBackoffThenDelivers() {
        loki.failNext(new FakeLoki.Failure(500, "empty ring\n", Duration.ZERO), new FakeLoki.Failure(429, "Ingestion rate limit exceeded\n", Duration.ZERO));
        task(false, "retry.max", "3").put(List.of(record("agent.events", 1, event("e1")), record("agent.events", 2, event("e2"))));
        assertThat(loki.entries()).hasSize(2);
    }

    @Test
    void whenRetriesRunOutConnectRedeliversAndARedeliveryIsStoredOnce() {
        LokiSinkTask task = task(false, "retry.max", "1");
        task.put(List.of(record("agent.events", 1, event("e1"))));
        assertThat(task.preCommit(Map.of(EVENTS_0, new OffsetAndMetadata(2)))).containsEntry(EVENTS_0, new OffsetAndMetadata(2));
        assertThat(loki.entries()).hasSize(1);

        List<SinkRecord> batch = List.of(record("agent.events", 2, event("e2")), record("agent.events", 3, event("e3")));
        loki.failNext(new FakeLoki.Failure(500, "empty ring\n", Duration.ZERO), new FakeLoki.Failure(503, "unavailable\n", Duration.ZERO));
        assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class).hasMessageContaining("503");
        assertThat(task.preCommit(Map.of(EVENTS_0, new OffsetAndMetadata(4))))
                .as("nothing past what Loki acknowledged").containsEntry(EVENTS_0, new OffsetAndMetadata(2));
        assertThat(rewound).containsEntry(EVENTS_0, 2L);

        task.put(batch); // Connect delivers them again
        task.put(batch); // and once more after a crash: identical entries, stored once
        assertThat(task.preCommit(Map.of(EVENTS_0, new OffsetAndMetadata(4)))).containsEntry(EVENTS_0, new OffsetAndMetadata(4));
        assertThat(loki.entries()).extracting(e -> e.metadata().get("event_id")).containsExactlyInAnyOrder("e1", "e2", "e3");
    }

    @Test
    void aTaskThatCrashedBeforeItsCommitIsReplacedWithoutDuplicatesInLoki() {
        List<SinkRecord> batch = List.of(record("agent.events", 1, event("e1")), record("agent.events", 2, event("e2", "git status")),
                record("agent.alerts", 3, alert()));
        task(false).put(batch); // pushed, then the worker dies before committing offsets
        LokiSinkTask replacement = task(false);
        replacement.put(batch); // the next task gets the same records from the last committed offset
        assertThat(replacement.preCommit(Map.of(EVENTS_0, new OffsetAndMetadata(3)))).containsEntry(EVENTS_0, new OffsetAndMetadata(3));
        assertThat(loki.entries()).hasSize(3);
    }

    @Test
    void failsWithTheKeyToFixOnAuthAndUrlErrors() {
        loki.failNext(new FakeLoki.Failure(401, "no org id\n", Duration.ZERO));
        assertThatThrownBy(() -> task(false).put(List.of(record("agent.events", 1, event("e1")))))
                .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("loki.tenant").hasMessageContaining("loki.auth").hasMessageContaining("401");
        loki.failNext(new FakeLoki.Failure(404, "404 page not found\n", Duration.ZERO));
        assertThatThrownBy(() -> task(false).put(List.of(record("agent.events", 1, event("e1")))))
                .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class).hasMessageContaining("loki.url");
    }

    @Test
    void entriesLokiRefusesGoToTheDeadLetterQueueWithItsReasonAndTheRestIsStored() {
        LokiSinkTask task = task(true);
        task.put(List.of(record("agent.events", 1, event("e1"))));
        // Two hours behind the stream's newest entry: Loki stores the valid entries of the request and refuses this one.
        SinkRecord late = record("agent.events", 2, event("late"), now.minus(Duration.ofHours(2)));
        task.put(List.of(late, record("agent.events", 3, event("e3")), record("agent.events", 4, event("e4"))));
        assertThat(deadLettered).containsExactly(late);
        assertThat(deadLetterReasons.get(0)).hasMessageContaining("agent.events-0@2").hasMessageContaining("too far behind");
        assertThat(loki.entries()).extracting(e -> e.metadata().get("event_id")).containsExactlyInAnyOrder("e1", "e3", "e4");
        assertThat(task.preCommit(Map.of(EVENTS_0, new OffsetAndMetadata(5)))).containsEntry(EVENTS_0, new OffsetAndMetadata(5));
    }

    @Test
    void recordsLokiWouldRefuseAreShapedOrDeadLetteredBeforeSending() {
        LokiSinkTask task = task(true);
        SinkRecord old = record("agent.events", 1, event("old"), now.minus(Duration.ofDays(8)));
        SinkRecord unreadable = record("agent.events", 2, "not avro".getBytes());
        SinkRecord huge = record("agent.events", 3, event("huge", "echo " + "x".repeat(300_000)));
        task.put(List.of(old, unreadable, huge));
        assertThat(deadLettered).containsExactly(old, unreadable);
        assertThat(deadLetterReasons.get(0)).hasMessageContaining("older than Loki accepts");
        assertThat(deadLetterReasons.get(1)).hasMessageContaining("not readable Avro");
        FakeLoki.Entry stored = loki.entries().get(0);
        assertThat(stored.line().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FakeLoki.MAX_LINE_BYTES);
        assertThat(stored.line()).endsWith("to fit Loki's 256 KB line limit]");
    }

    @Test
    void withoutADeadLetterQueueTheTaskStopsRatherThanDropARecord() {
        assertThatThrownBy(() -> task(false).put(List.of(record("agent.events", 1, "not avro".getBytes()))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("errors.deadletterqueue.topic.name");
    }

    @Test
    void keepsEveryRequestUnderTheConfiguredSize() {
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(record("agent.events", i, event("e" + i, "echo " + "y".repeat(100_000))));
        }
        task(false, "batch.max.bytes", String.valueOf(512 * 1024), "loki.encoding", "json").put(batch);
        assertThat(loki.entries()).hasSize(40);
        assertThat(loki.requests()).isGreaterThanOrEqualTo(8); // 40 x ~100 KB in requests of at most 512 KB
        assertThat(loki.receivedBytes() / loki.requests()).isLessThan(512 * 1024);
    }
}
