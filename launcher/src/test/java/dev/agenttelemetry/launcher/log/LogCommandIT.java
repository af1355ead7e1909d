package dev.agenttelemetry.launcher.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.Cli;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.ToolOutcome;
import dev.agenttelemetry.avro.ToolPairing;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.schemas.serde.ConfluentAvroSerializer;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.sink.loki.LokiSinkTask;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agent-telemetry log} on the events topic of the real broker, and on Loki (the stand-in) fed by the real sink task. */
class LogCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String run(String... args) {
        Cli.Run run = Cli.run(args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
        return run.out();
    }

    private static List<String> ids(String jsonLines) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : jsonLines.lines().toList()) {
            JsonNode node = JSON.readTree(line);
            ids.add(node.path("event_id").asText());
        }
        return ids;
    }

    @Test
    void filtersEventsFromTheTopicsAndFromLokiAlike() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String session = "log-it-" + now.toEpochMilli();
        // 100 s apart, so that "--since" falls between two of them however long the commands below take.
        List<AgentEvent> events = List.of(
                event(session, "l1", now.minusSeconds(500), 1, "PreToolUse", "Bash", "mvn -q test", null),
                event(session, "l2", now.minusSeconds(400), 2, "PostToolUseFailure", "Bash", "mvn -q test",
                        new ToolPairing("l1", 9_000L, ToolOutcome.failure, "exit 1: compilation failed")),
                event(session, "l3", now.minusSeconds(300), 3, "PreToolUse", "Read", null, null),
                event(session, "l4", now.minusSeconds(200), 4, "PostToolUse", "Read", null, new ToolPairing("l3", 12L, ToolOutcome.success, null)),
                event(session, "l5", now.minusSeconds(100), 5, "PreToolUse", "Bash", "git push origin main", null));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-log-it");
             FakeLoki loki = FakeLoki.start()) {
            TopicLayout layout = TopicLayout.defaults();
            TopicProvisioner.ensure(admin, List.of(layout.events()), Duration.ofSeconds(30));
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            try (KafkaProducer<String, AgentEvent> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                    topics.events().keySerde().serializer(), topics.events().valueSerde().serializer())) {
                for (AgentEvent event : events) {
                    producer.send(new ProducerRecord<>(layout.events().name(), null, event.getReceivedAt().toEpochMilli(), session, event)).get();
                }
            }
            pushToLoki(loki, registry.url(), events);

            String[] kafka = {"--bootstrap-servers", TestKafka.bootstrapServers(), "--schema-registry-url", registry.url()};
            for (String[] source : List.of(kafka, Cli.with(kafka, "--loki-url", loki.url()))) {
                assertThat(ids(run(Cli.with(new String[]{"log"}, Cli.with(source, "--session", session, "--format", "json"))))).containsExactly("l1", "l2", "l3", "l4", "l5");
                assertThat(ids(run(Cli.with(new String[]{"log"}, Cli.with(source, "--session", session, "--tool", "Bash", "--status", "failure", "--format", "json")))))
                        .containsExactly("l2");
                assertThat(ids(run(Cli.with(new String[]{"log"}, Cli.with(source, "--session", session, "--keyword", "PUSH ORIGIN", "--format", "json"))))).containsExactly("l5");
                assertThat(ids(run(Cli.with(new String[]{"log"}, Cli.with(source, "--session", session, "--tail", "2", "--format", "json"))))).containsExactly("l4", "l5");
                assertThat(ids(run(Cli.with(new String[]{"log"}, Cli.with(source, "--session", session, "--since", "250s", "--format", "json"))))).containsExactly("l4", "l5");
                assertThat(run(Cli.with(new String[]{"log"}, Cli.with(source, "--session", session, "--event-type", "file_read"))))
                        .contains("TIME (UTC)", "file_read", "◀ Read: ok in 12 ms").doesNotContain("mvn");
                assertThat(run(Cli.with(new String[]{"log"}, Cli.with(source, "--session", session, "--format", "summary"))))
                        .contains("events: 5, sessions: 1, tool calls: 3, failures: 1", "by tool:", "Bash", "by status:", "failure");
            }
        }
    }


    private static AgentEvent event(String session, String id, Instant at, long sequence, String hook, String tool, String command, ToolPairing pairing) {
        return AgentEvent.newBuilder().setEventId(id).setReceivedAt(at).setSource("claude-code").setSessionId(session).setHookEventName(hook)
                .setEventType(tool.equals("Read") ? EventType.file_read : EventType.command_execution).setToolName(tool).setCommand(command)
                .setFilePath(tool.equals("Read") ? "/home/dev/shop/pom.xml" : null).setPairing(pairing).setPayload("{}").setSequence(sequence)
                .setHash("h" + sequence).setProjectName("shop").build();
    }

    /** The events as the connector would push them. */
    private static void pushToLoki(FakeLoki loki, String registryUrl, List<AgentEvent> events) {
        LokiSinkTask task = new LokiSinkTask();
        task.initialize(new SinkTaskContext() {
            public Map<String, String> configs() { return Map.of(); }
            public void offset(Map<org.apache.kafka.common.TopicPartition, Long> offsets) { }
            public void offset(org.apache.kafka.common.TopicPartition tp, long offset) { }
            public void timeout(long timeoutMs) { }
            public java.util.Set<org.apache.kafka.common.TopicPartition> assignment() { return java.util.Set.of(); }
            public void pause(org.apache.kafka.common.TopicPartition... partitions) { }
            public void resume(org.apache.kafka.common.TopicPartition... partitions) { }
            public void requestCommit() { }
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() { return null; }
            public org.apache.kafka.connect.sink.ErrantRecordReporter errantRecordReporter() { return null; }
        });
        task.start(Map.of("loki.url", loki.url(), "schema.registry.url", registryUrl));
        ConfluentAvroSerializer<AgentEvent> serializer = new ConfluentAvroSerializer<>(new SchemaRegistryClient(registryUrl), false);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            AgentEvent event = events.get(i);
            records.add(new SinkRecord("agent.events", 0, null, event.getSessionId(), null, serializer.serialize("agent.events", event), i,
                    event.getReceivedAt().toEpochMilli(), TimestampType.CREATE_TIME));
        }
        task.put(records);
        task.stop();
    }
}
