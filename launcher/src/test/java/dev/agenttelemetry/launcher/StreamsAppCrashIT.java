package dev.agenttelemetry.launcher;

import dev.agenttelemetry.testkit.ChildJvm;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each Kafka Streams application, in a process of its own ({@code agent-telemetry enricher} / {@code analytics}
 * next to {@code up --without enricher,analytics}), is killed with SIGKILL mid-stream and restarted while hooks
 * keep arriving. Its state comes back from the changelogs: every hook is on the events topic once and each
 * session's hash chain has no gap; a repeat of an alerted command after the analytics restart is still
 * suppressed (no second alert), a new violation raises one; the session windows count every event; Loki
 * holds every event once.
 */
class StreamsAppCrashIT {
    private static final int SESSIONS = 4;

    @Test
    void eachStreamsAppKilledAndRestartedMidStreamKeepsItsState() throws Exception {
        Path pipelineDir = TestKafka.workDir("streams-crash-pipeline-");
        Path enricherDir = TestKafka.workDir("streams-crash-enricher-");
        Path analyticsDir = TestKafka.workDir("streams-crash-analytics-");
        int brokerPort = FreePorts.loopback();
        int registryPort = FreePorts.loopback();
        String bootstrap = "127.0.0.1:" + brokerPort;
        String registry = "http://127.0.0.1:" + registryPort;
        Files.writeString(pipelineDir.resolve(PipelineSettings.CONFIG_FILE_NAME), String.join("\n", "collector.port=0",
                "broker.port=" + brokerPort, "broker.controller.port=" + FreePorts.loopback(), "schema.registry.port=" + registryPort,
                "connect.rest.port=0") + "\n");
        TopicCatalog topics = TopicCatalog.of(TopicLayout.from(new ConfigReader(Map.of(), "test")), new SchemaRegistryClient(registry));

        Process pipeline = null;
        Process enricher = null;
        Process analytics = null;
        try (FakeLoki loki = FakeLoki.start()) {
            pipeline = ChildProcesses.start("up", "--data-dir", pipelineDir.toString(), "--without", "enricher,analytics", "--loki-url", loki.url());
            String collector = ChildProcesses.awaitCollectorUrl(pipeline);
            enricher = startApp("enricher", enricherDir, bootstrap, registry);
            analytics = startApp("analytics", analyticsDir, bootstrap, registry);

            DrillHooks hooks = new DrillHooks(collector, "scrash-s", SESSIONS);
            hooks.start();
            hooks.awaitMore(40);
            for (int session = 0; session < SESSIONS; session++) {
                hooks.post(session, "rm -rf /");
            }
            List<SecurityAlert> firstAlerts = DrillHooks.awaitAtLeast(() -> alerts(bootstrap, topics, "destructive_command"), SESSIONS,
                    "destructive_command alerts before the kills");
            assertThat(firstAlerts).hasSize(SESSIONS);

            enricher.destroyForcibly(); // SIGKILL: an open transaction, state not checkpointed
            assertThat(enricher.waitFor(30, TimeUnit.SECONDS)).isTrue();
            hooks.awaitMore(60); // raw hooks pile up while the enricher is gone
            enricher = startApp("enricher", enricherDir, bootstrap, registry);
            hooks.awaitMore(40);

            analytics.destroyForcibly();
            assertThat(analytics.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (int session = 0; session < SESSIONS; session++) {
                hooks.post(session, "rm -rf /"); // a repeat within the suppression window: counted, not alerted again
                hooks.post(session, "sudo whoami"); // a new violation: alerted once
            }
            hooks.awaitMore(60);
            analytics = startApp("analytics", analyticsDir, bootstrap, registry);
            hooks.awaitMore(40);
            hooks.finish();

            List<String> accepted = List.copyOf(hooks.accepted);
            List<AgentEvent> events = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.events()), accepted.size(),
                    "every accepted hook on the events topic");
            assertThat(events.stream().map(AgentEvent::getEventId).toList()).as("each accepted hook exactly once")
                    .containsExactlyInAnyOrderElementsOf(accepted);
            Map<String, List<AgentEvent>> bySession = events.stream().collect(Collectors.groupingBy(AgentEvent::getSessionId));
            for (List<AgentEvent> chain : bySession.values()) {
                chain.sort(Comparator.comparingLong(AgentEvent::getSequence));
                for (int i = 0; i < chain.size(); i++) {
                    assertThat(chain.get(i).getSequence()).as("sequence without gap or repeat").isEqualTo(i + 1L);
                    assertThat(chain.get(i).getPreviousHash()).as("chained to the previous event")
                            .isEqualTo(i == 0 ? null : chain.get(i - 1).getHash());
                }
            }

            List<SecurityAlert> escalations = DrillHooks.awaitAtLeast(() -> alerts(bootstrap, topics, "privilege_escalation"), SESSIONS,
                    "privilege_escalation alerts after the analytics restart");
            assertThat(escalations.stream().map(SecurityAlert::getSessionId).toList()).as("privilege_escalation raised once per session")
                    .doesNotHaveDuplicates().hasSize(SESSIONS);
            assertThat(alerts(bootstrap, topics, "destructive_command").stream().map(SecurityAlert::getSessionId).toList())
                    .as("the repeat after the restart is suppressed: still one destructive_command alert per session")
                    .doesNotHaveDuplicates().hasSize(SESSIONS);

            for (int session = 0; session < SESSIONS; session++) {
                String id = hooks.session(session);
                long expected = bySession.get(id).size();
                List<SessionActivity> totals = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.sessions()).stream()
                        .filter(a -> a.getSessionId().equals(id) && a.getWindowKind().equals("session") && a.getEventCount() >= expected)
                        .toList(), 1, "a session window of " + id + " counting its " + expected + " events");
                assertThat(totals).as("the session window counts every event of " + id + ", none twice")
                        .isNotEmpty().allSatisfy(total -> assertThat(total.getEventCount()).isEqualTo(expected));
            }

            List<String> inLoki = DrillHooks.awaitAtLeast(() -> loki.entries(Map.of("kind", "event")).stream()
                    .map(e -> e.metadata().get("event_id")).toList(), accepted.size(), "every event in Loki");
            assertThat(inLoki).as("every event in Loki once").containsExactlyInAnyOrderElementsOf(accepted);
        } finally {
            for (Process child : new Process[]{analytics, enricher, pipeline}) {
                if (child != null) {
                    child.destroy();
                    child.waitFor(60, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Process startApp(String app, Path dataDir, String bootstrap, String registry) throws IOException {
        Process process = ChildProcesses.start(app, "--data-dir", dataDir.toString(), "--bootstrap-servers", bootstrap,
                "--schema-registry-url", registry, "--metrics-port", "0");
        ChildJvm.awaitLine(process, Pattern.compile("^(Ready): "), Duration.ofSeconds(120));
        return process;
    }

    private static List<SecurityAlert> alerts(String bootstrap, TopicCatalog topics, String rule) {
        return DrillHooks.read(bootstrap, topics.alerts()).stream().filter(a -> a.getRuleId().equals(rule)).toList();
    }
}
