package dev.agenttelemetry.launcher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Kafka broker is killed with SIGKILL while hooks keep arriving, and restarted on the same data once 60 hooks
 * were spooled, or after {@code -Ddrill.kafka.outage} (e.g. {@code PT3M}: Kafka unreachable for minutes); the
 * pipeline (`up --bootstrap-servers`, with the Loki sink) runs on throughout. Afterwards
 * every accepted hook is on the events topic exactly once, every expected alert exists once, and every
 * event is in Loki once. {@code -Ddrill.verbose=true} logs Kafka's own components at info level in the pipeline's log.
 */
class BrokerCrashIT {
    private static final int SESSIONS = 4;

    @Test
    void brokerKilledAndRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        Duration outage = DrillHooks.faultLength("drill.kafka.outage", Duration.ZERO);
        KillableBroker kafka = KillableBroker.prepare("broker-crash-kafka-");
        Path pipelineDir = TestKafka.workDir("broker-crash-pipeline-");
        String bootstrap = kafka.bootstrapServers();
        int registryPort = FreePorts.loopback();
        Files.writeString(pipelineDir.resolve(PipelineSettings.CONFIG_FILE_NAME), String.join("\n", "collector.port=0",
                "schema.registry.port=" + registryPort, "connect.rest.port=0", "collector.ack.timeout.ms=300") + "\n");
        TopicCatalog topics = TopicCatalog.of(TopicLayout.from(new ConfigReader(Map.of(), "test")),
                new SchemaRegistryClient("http://127.0.0.1:" + registryPort));

        Process broker = kafka.start();
        Process pipeline = null;
        try (FakeLoki loki = FakeLoki.start()) {
            List<String> up = new ArrayList<>(List.of("up", "--data-dir", pipelineDir.toString(), "--bootstrap-servers", bootstrap, "--loki-url", loki.url()));
            if (Boolean.getBoolean("drill.verbose")) {
                up.add("--verbose"); // Kafka's own components at info level in the pipeline's log, to tell a stall apart
            }
            pipeline = ChildProcesses.start(up.toArray(String[]::new));
            String collector = ChildProcesses.awaitCollectorUrl(pipeline);
            DrillHooks hooks = new DrillHooks(collector, "bcrash-s", SESSIONS);
            hooks.start();
            hooks.awaitMore(40);
            // Killed right after a burst, while the Streams applications may still be working through it with their
            // transactions open (in one 5-minute outage, the enricher's work in flight at the kill killed its thread).
            hooks.burst(200, 400_000);

            long killed = System.nanoTime();
            broker.destroyForcibly(); // SIGKILL: no controlled shutdown, open transactions and unflushed log segments
            assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (int session = 0; session < SESSIONS; session++) {
                hooks.post(session, "rm -rf /"); // spooled by the collector while Kafka is away, alerted after
            }
            hooks.awaitMore(60); // the collector spools while Kafka is gone
            hooks.keepPostingUntil(killed, outage);
            int duringOutage = hooks.accepted.size();
            broker = kafka.start();
            long returned = System.nanoTime();
            System.out.printf("Kafka was away for %.1f s; %d hooks accepted by then%n", (returned - killed) / 1e9, duringOutage);
            for (int session = 0; session < SESSIONS; session++) {
                hooks.post(session, "sudo whoami"); // an alert raised after the restart
            }
            hooks.awaitMore(40);
            hooks.finish();

            List<String> accepted = List.copyOf(hooks.accepted);
            List<AgentEvent> events = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.events()), accepted.size(), "every accepted hook on the events topic");
            if (events.size() < accepted.size()) {
                DrillHooks.printKafkaState(bootstrap, List.of(topics.raw().name(), topics.events().name()), List.of("agent-telemetry-enricher", "agent-telemetry-analytics"));
                System.out.println("the pipeline's log: " + pipelineDir.resolve("logs").resolve("agent-telemetry.log"));
                // Tells a slow recovery (a group waiting out a dead member) from a stall; the test fails either way.
                events = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.events()), accepted.size(), "still waiting: every accepted hook on the events topic",
                        Duration.ofMinutes(7));
                fail(events.size() < accepted.size() ? "the pipeline did not catch up within 10 minutes"
                        : String.format("the pipeline caught up only %.0f s after Kafka returned", (System.nanoTime() - returned) / 1e9));
            }
            System.out.printf("every accepted hook on the events topic %.0f s after Kafka returned%n", (System.nanoTime() - returned) / 1e9);
            assertThat(events.stream().map(AgentEvent::getEventId).toList()).as("each accepted hook exactly once")
                    .containsExactlyInAnyOrderElementsOf(accepted);

            for (String rule : List.of("destructive_command", "privilege_escalation")) {
                List<SecurityAlert> alerts = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.alerts()).stream()
                        .filter(a -> a.getRuleId().equals(rule)).toList(), SESSIONS, "one " + rule + " alert per session");
                assertThat(alerts.stream().map(SecurityAlert::getSessionId).toList()).as(rule + " raised once per session")
                        .doesNotHaveDuplicates().hasSize(SESSIONS);
            }

            List<String> inLoki = DrillHooks.awaitAtLeast(() -> loki.entries(Map.of("kind", "event")).stream()
                    .map(e -> e.metadata().get("event_id")).toList(), accepted.size(), "every event in Loki");
            assertThat(inLoki).as("every event in Loki once").containsExactlyInAnyOrderElementsOf(accepted);
        } finally {
            if (pipeline != null) {
                pipeline.destroy();
                pipeline.waitFor(60, TimeUnit.SECONDS);
            }
            broker.destroy();
            broker.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
