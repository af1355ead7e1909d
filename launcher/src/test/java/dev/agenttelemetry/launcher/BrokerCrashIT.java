package dev.agenttelemetry.launcher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.topics.Topic;
import dev.agenttelemetry.schemas.topics.TopicCatalog;
import dev.agenttelemetry.schemas.topics.TopicLayout;
import dev.agenttelemetry.testkit.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka broker is killed with SIGKILL while hooks keep arriving, and restarted on the same data ten
 * seconds later; the pipeline (`up --bootstrap-servers`, with the Loki sink) runs on throughout. Afterwards
 * every accepted hook is on the events topic exactly once, every expected alert exists once, and every
 * event is in Loki once.
 */
class BrokerCrashIT {
    private static final int SESSIONS = 4;

    @Test
    void brokerKilledAndRestartedMidStreamLosesAndDuplicatesNothing() throws Exception {
        Path brokerDir = TestKafka.workDir("broker-crash-kafka-");
        Path pipelineDir = TestKafka.workDir("broker-crash-pipeline-");
        int brokerPort = FreePorts.loopback();
        String bootstrap = "127.0.0.1:" + brokerPort;
        Files.writeString(brokerDir.resolve(PipelineSettings.CONFIG_FILE_NAME), "broker.controller.port=" + FreePorts.loopback() + "\n");
        int registryPort = FreePorts.loopback();
        Files.writeString(pipelineDir.resolve(PipelineSettings.CONFIG_FILE_NAME), String.join("\n", "collector.port=0",
                "schema.registry.port=" + registryPort, "connect.rest.port=" + FreePorts.loopback(), "collector.ack.timeout.ms=300") + "\n");
        TopicCatalog topics = TopicCatalog.of(TopicLayout.from(new ConfigReader(Map.of(), "test")),
                new SchemaRegistryClient("http://127.0.0.1:" + registryPort));

        Process broker = startBroker(brokerDir, brokerPort);
        Process pipeline = null;
        try (FakeLoki loki = FakeLoki.start()) {
            pipeline = ChildProcesses.start("up", "--data-dir", pipelineDir.toString(), "--bootstrap-servers", bootstrap, "--loki-url", loki.url());
            String collector = ChildProcesses.awaitLine(pipeline, Pattern.compile("hooks post to (http://\\S+)/v1/hooks"), Duration.ofSeconds(150));
            Hooks hooks = new Hooks(collector);
            hooks.start();
            hooks.await(() -> hooks.accepted.size() >= 40);

            broker.destroyForcibly(); // SIGKILL: no controlled shutdown, open transactions and unflushed log segments
            assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (int session = 0; session < SESSIONS; session++) {
                hooks.post(session, "rm -rf /"); // spooled by the collector while Kafka is away, alerted after
            }
            int beforeOutage = hooks.accepted.size();
            hooks.await(() -> hooks.accepted.size() >= beforeOutage + 60); // the collector spools while Kafka is gone
            broker = startBroker(brokerDir, brokerPort);
            for (int session = 0; session < SESSIONS; session++) {
                hooks.post(session, "sudo whoami"); // an alert raised after the restart
            }
            int afterRestart = hooks.accepted.size();
            hooks.await(() -> hooks.accepted.size() >= afterRestart + 40);
            hooks.finish();

            List<String> accepted = List.copyOf(hooks.accepted);
            List<AgentEvent> events = awaitAtLeast(() -> read(bootstrap, topics.events()), accepted.size(), "every accepted hook on the events topic");
            assertThat(events.stream().map(AgentEvent::getEventId).toList()).as("each accepted hook exactly once")
                    .containsExactlyInAnyOrderElementsOf(accepted);

            for (String rule : List.of("destructive_command", "privilege_escalation")) {
                List<SecurityAlert> alerts = awaitAtLeast(() -> read(bootstrap, topics.alerts()).stream()
                        .filter(a -> a.getRuleId().equals(rule)).toList(), SESSIONS, "one " + rule + " alert per session");
                assertThat(alerts.stream().map(SecurityAlert::getSessionId).toList()).as(rule + " raised once per session")
                        .doesNotHaveDuplicates().hasSize(SESSIONS);
            }

            List<String> inLoki = awaitAtLeast(() -> loki.entries(Map.of("kind", "event")).stream()
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

    /** Posts hooks round-robin over the sessions, 50 a second, and keeps the ids of those the collector accepted. */
    private static final class Hooks extends Thread {
        final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        private final String collector;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger sent = new AtomicInteger();
        private volatile Throwable failure;

        Hooks(String collector) {
            super("broker-crash-hooks");
            this.collector = collector;
        }

        @Override
        public void run() {
            try {
                while (running.get()) {
                    int n = sent.get();
                    post(n % SESSIONS, "ls src/" + n);
                    Thread.sleep(20); // pacing: about 50 hooks a second
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        void post(int session, String command) throws IOException, InterruptedException {
            int n = sent.getAndIncrement();
            String body = "{\"session_id\":\"bcrash-s" + session + "\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\","
                    + "\"tool_name\":\"Bash\",\"tool_use_id\":\"toolu_" + n + "\",\"tool_input\":{\"command\":\"" + command + "\"}}";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(collector + "/v1/hooks"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new AssertionError("the collector answered " + answer.statusCode() + ": " + answer.body());
            }
            accepted.add(answer.headers().firstValue("X-Event-Id").orElseThrow());
        }

        void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!condition.getAsBoolean()) {
                if (failure != null) {
                    throw new AssertionError("posting hooks failed", failure);
                }
                assertThat(System.nanoTime()).as("hooks accepted in time").isLessThan(deadline);
                Thread.sleep(100); // polling the poster's progress
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            join(30_000);
            if (failure != null) {
                throw new AssertionError("posting hooks failed", failure);
            }
        }
    }

    private static Process startBroker(Path dataDir, int port) throws IOException {
        Process broker = ChildProcesses.start("broker", "--data-dir", dataDir.toString(), "--port", Integer.toString(port));
        ChildProcesses.awaitLine(broker, Pattern.compile("^(Ready): "), Duration.ofSeconds(90));
        return broker;
    }

    private static <V> List<V> read(String bootstrap, Topic<String, V> topic) {
        return TopicScan.read(KafkaAccess.plaintext(bootstrap), topic, Instant.EPOCH, v -> true, n -> { });
    }

    /** Polls until at least {@code expected} items are there, then returns what is there (more would be duplicates). */
    private static <T> List<T> awaitAtLeast(Supplier<List<T>> read, int expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        List<T> found = read.get();
        while (found.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000); // polling while the pipeline catches up after the restart
            found = read.get();
        }
        System.out.printf("%s: %d of %d%n", what, found.size(), expected);
        return found;
    }
}
