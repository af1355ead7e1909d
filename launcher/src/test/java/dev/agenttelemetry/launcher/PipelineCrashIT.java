package dev.agenttelemetry.launcher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline process (`up`: collector, enricher, analytics) is killed with SIGKILL while hooks are in flight
 * to the collector and records in its Streams transactions, then started again on the same data directory: every
 * accepted hook is on the events topic exactly once and a hook that got no answer at most once, with each
 * session's hash chain unbroken, every expected alert exists once, and the suppression state
 * of an open alert survived (its repeats after the crash raise no second alert).
 */
class PipelineCrashIT {
    private static final int SESSIONS = 6;
    private static final int IN_FLIGHT_SESSIONS = 4;
    /** How long the restarted pipeline has to catch up with its input. */
    private static final Duration CATCH_UP = Duration.ofSeconds(120);

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
            List<InFlightPoster> posters = new ArrayList<>();
            for (int p = 0; p < IN_FLIGHT_SESSIONS; p++) {
                posters.add(new InFlightPoster(url, "pcrash-f" + p));
            }
            posters.forEach(Thread::start);
            for (InFlightPoster poster : posters) {
                poster.awaitAccepted(10);
            }
            first.destroyForcibly(); // SIGKILL mid-stream: Streams transactions open, hooks in flight to the collector
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            List<String> unanswered = new ArrayList<>(); // tool_use_ids of hooks that got no answer: delivered at most once
            for (InFlightPoster poster : posters) {
                poster.join(30_000);
                assertThat(poster.refused).as(poster.getName() + " refused before the kill").isNull();
                assertThat(poster.unanswered).as(poster.getName() + " posting when killed").isNotNull();
                accepted.addAll(poster.accepted);
                unanswered.add(poster.unanswered);
            }

            Process second = start(dataDir, registry.url());
            try {
                url = ChildProcesses.awaitCollectorUrl(second);
                for (int n = 6; n < 10; n++) {
                    accepted.addAll(post(url, n));
                }
                List<AgentEvent> events = awaitCount(topics.events(), accepted.size());
                List<AgentEvent> unacknowledged = events.stream().filter(e -> !accepted.contains(e.getEventId())).toList();
                assertThat(events.stream().map(AgentEvent::getEventId).filter(accepted::contains).toList())
                        .as("every accepted hook once").containsExactlyInAnyOrderElementsOf(accepted);
                assertThat(unacknowledged.stream().map(AgentEvent::getToolUseId).toList())
                        .as("a hook in flight at the kill, never answered, is there at most once").isSubsetOf(unanswered).doesNotHaveDuplicates();
                System.out.printf("killed with %d hooks in flight; %d of them reached the events topic%n", unanswered.size(), unacknowledged.size());
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
            String body = DrillHooks.bashHook("pcrash-s" + s, "toolu_" + s + "_" + n, command);
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/hooks")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            ids.add(answer.headers().firstValue("X-Event-Id").orElseThrow());
        }
        return ids;
    }

    /**
     * Posts hooks of one session back to back, so one is in flight when the collector is killed; stops at the first
     * request that gets no answer and keeps that request's tool_use_id.
     */
    private static final class InFlightPoster extends Thread {
        final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        private final HttpClient http = HttpClient.newHttpClient();
        private final String url;
        private final String session;
        private volatile String unanswered;
        private volatile String refused;

        InFlightPoster(String url, String session) {
            super("in-flight-" + session);
            this.url = url;
            this.session = session;
        }

        @Override
        public void run() {
            for (int n = 0; unanswered == null && refused == null; n++) {
                String toolUseId = "toolu_" + session + "_" + n;
                String body = DrillHooks.bashHook(session, toolUseId, "echo " + n);
                try {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/hooks")).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        accepted.add(answer.headers().firstValue("X-Event-Id").orElseThrow());
                    } else {
                        refused = "the collector answered " + answer.statusCode() + ": " + answer.body();
                    }
                } catch (IOException | InterruptedException killed) {
                    unanswered = toolUseId;
                }
            }
        }

        void awaitAccepted(int count) throws InterruptedException {
            await(session + " hooks accepted").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> accepted.size() >= count);
        }
    }

    private static Process start(Path dataDir, String registryUrl) throws Exception {
        return ChildProcesses.start("up", "--data-dir", dataDir.toString(), "--bootstrap-servers", TestKafka.bootstrapServers(),
                "--schema-registry-url", registryUrl);
    }

    private static <V> List<V> awaitCount(dev.agenttelemetry.topics.Topic<String, V> topic, int expected) throws Exception {
        await(expected + " records on " + topic.name() + " after the restart").atMost(CATCH_UP).pollInterval(Duration.ofMillis(500))
                .until(() -> readAll(topic).size(), count -> count >= expected);
        // A late duplicate could only come from input not yet processed: read again once both applications have none left.
        awaitNoLag("pcrash-enricher", "pcrash-raw");
        awaitNoLag("pcrash-analytics", "pcrash-events");
        return readAll(topic);
    }

    private static <V> List<V> readAll(dev.agenttelemetry.topics.Topic<String, V> topic) throws Exception {
        return TopicScan.read(KafkaAccess.plaintext(TestKafka.bootstrapServers()), topic, Instant.EPOCH, v -> true, n -> { });
    }

    /** Until the group has committed every record of its input topic. */
    private static void awaitNoLag(String group, String input) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            await(group + " committed every record of " + input).atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream().filter(tp -> tp.topic().equals(input))
                        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                return !latest.isEmpty() && admin.listOffsets(latest).all().get().entrySet().stream()
                        .allMatch(end -> committed.get(end.getKey()).offset() >= end.getValue().offset());
            });
        }
    }
}
