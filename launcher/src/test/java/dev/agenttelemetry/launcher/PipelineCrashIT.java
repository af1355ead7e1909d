package dev.agenttelemetry.launcher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.schemas.topics.TopicCatalog;
import dev.agenttelemetry.schemas.topics.TopicLayout;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline process (`up`: collector, enricher, analytics) is killed with SIGKILL while events are in
 * flight, then started again on the same data directory: every accepted hook is on the events topic exactly
 * once with each session's hash chain unbroken, every expected alert exists once, and the suppression state
 * of an open alert survived (its repeats after the crash raise no second alert).
 */
class PipelineCrashIT {
    private static final int SESSIONS = 6;

    @Test
    void killedMidStreamThenRestartedLosesAndDuplicatesNothing() throws Exception {
        Path dataDir = TestKafka.workDir("pipeline-crash-");
        Map<String, String> settings = new HashMap<>();
        for (String role : List.of("raw", "events", "alerts", "sessions", "otlp-logs", "dlq")) {
            settings.put("topic." + role + ".name", "pcrash-" + role);
        }
        settings.put("enricher.application.id", "pcrash-enricher");
        settings.put("analytics.application.id", "pcrash-analytics");
        settings.put("collector.port", "0");
        Files.writeString(dataDir.resolve("agent-telemetry.properties"), settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")) + "\n");
        TopicLayout layout = TopicLayout.from(new ConfigReader(settings, "test"));
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-pcrash")) {
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            List<String> accepted = new ArrayList<>();
            Process first = start(dataDir, registry.url());
            String url = ChildProcesses.awaitCollectorUrl(first);
            for (int n = 0; n < 6; n++) {
                accepted.addAll(post(url, n));
            }
            first.destroyForcibly(); // SIGKILL mid-stream: Streams transactions open, records in flight
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Process second = start(dataDir, registry.url());
            try {
                url = ChildProcesses.awaitCollectorUrl(second);
                for (int n = 6; n < 10; n++) {
                    accepted.addAll(post(url, n));
                }
                List<AgentEvent> events = awaitCount(topics.events(), accepted.size());
                assertThat(events).as("every accepted hook once").hasSize(accepted.size());
                assertThat(events.stream().map(AgentEvent::getEventId).collect(Collectors.toSet())).containsExactlyInAnyOrderElementsOf(accepted);
                Map<String, List<Long>> sequences = events.stream().collect(Collectors.groupingBy(AgentEvent::getSessionId,
                        Collectors.mapping(AgentEvent::getSequence, Collectors.toList())));
                sequences.forEach((session, numbers) -> assertThat(numbers).as(session + " chained without gaps or repeats")
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, numbers.size()).boxed().toList()));

                List<SecurityAlert> alerts = awaitCount(topics.alerts(), SESSIONS + 1);
                assertThat(alerts.stream().filter(a -> a.getRuleId().equals("destructive_command")).map(SecurityAlert::getSessionId))
                        .as("one destructive alert per session").hasSize(SESSIONS).doesNotHaveDuplicates();
                assertThat(alerts.stream().filter(a -> a.getRuleId().equals("config_tampering")))
                        .as("repeats after the crash counted into the open alert, not raised again").hasSize(1);
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Round n: one hook per session; round 9 is destructive; session 0 changes global git config in every round (low, suppressed). */
    private static List<String> post(String url, int n) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            String command = n == 9 ? "rm -rf /" : s == 0 ? "git config --global user.name round" + n : "echo " + n;
            String body = "{\"session_id\":\"pcrash-s" + s + "\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\",\"tool_name\":\"Bash\","
                    + "\"tool_use_id\":\"toolu_" + s + "_" + n + "\",\"tool_input\":{\"command\":\"" + command + "\"}}";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/hooks")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            ids.add(answer.headers().firstValue("X-Event-Id").orElseThrow());
        }
        return ids;
    }

    private static Process start(Path dataDir, String registryUrl) throws Exception {
        return ChildProcesses.start("up", "--data-dir", dataDir.toString(), "--bootstrap-servers", TestKafka.bootstrapServers(),
                "--schema-registry-url", registryUrl);
    }

    private static <V> List<V> awaitCount(dev.agenttelemetry.schemas.topics.Topic<String, V> topic, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<V> found = List.of();
        while (found.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(500); // polling the topic until the restarted pipeline caught up
            found = TopicScan.read(KafkaAccess.plaintext(TestKafka.bootstrapServers()), topic, Instant.EPOCH, v -> true, n -> { });
        }
        // A late duplicate could only come from input not yet processed: read again once both applications have none left.
        awaitNoLag("pcrash-enricher", "pcrash-raw", deadline);
        awaitNoLag("pcrash-analytics", "pcrash-events", deadline);
        return TopicScan.read(KafkaAccess.plaintext(TestKafka.bootstrapServers()), topic, Instant.EPOCH, v -> true, n -> { });
    }

    /** Until the group has committed every record of its input topic. */
    private static void awaitNoLag(String group, String input, long deadline) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream().filter(tp -> tp.topic().equals(input))
                        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                boolean caughtUp = !latest.isEmpty() && admin.listOffsets(latest).all().get().entrySet().stream()
                        .allMatch(end -> committed.get(end.getKey()).offset() >= end.getValue().offset());
                if (caughtUp) {
                    return;
                }
                Thread.sleep(200); // polling the group's committed offsets
            }
        }
        throw new AssertionError(group + " did not catch up with " + input);
    }
}
