package dev.agenttelemetry.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.agenttelemetry.collector.CollectorFixture.get;
import static dev.agenttelemetry.collector.CollectorFixture.hook;
import static dev.agenttelemetry.collector.CollectorFixture.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka stops mid-stream and the collector restarts while its spool is non-empty: every accepted event
 * still reaches the raw topic, in order per session. Uses a broker of its own, so it can stop it.
 */
class CollectorOutageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SESSIONS = List.of("o-1", "o-2", "o-3");

    @Test
    void loseNothingWhenKafkaGoesAwayAndTheCollectorRestartsMeanwhile() throws Exception {
        Path dir = TestKafka.workDir("outage-");
        EmbeddedKafkaBroker.Settings brokerSettings = new EmbeddedKafkaBroker.Settings(dir.resolve("kafka"), "127.0.0.1",
                FreePorts.loopback(), FreePorts.loopback(), Map.of(), java.util.Optional.empty());
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerSettings);
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(broker.bootstrapServers()), "_schemas");
        CollectorFixture fixture = new CollectorFixture(broker.bootstrapServers(), registry.url(), "raw-outage", dir);
        Map<String, String> settings = Map.of("collector.ack.timeout.ms", "300");
        List<String> sent = new ArrayList<>(); // session:seq in sending order
        int n = 0;
        try {
            Collector collector = fixture.start(settings);
            for (; n < 30; n++) {
                sent.add(post(collector, n));
            }
            broker.close(); // Kafka goes away mid-stream
            int spooled = 0;
            for (; n < 90; n++) {
                long start = System.nanoTime();
                HttpResponse<String> answer = postRaw(collector, n);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the agent is never kept waiting long").isLessThan(Duration.ofSeconds(2));
                spooled += answer.headers().firstValue("X-Spooled").isPresent() ? 1 : 0;
                sent.add(SESSIONS.get(n % 3) + ":" + n);
            }
            assertThat(spooled).isGreaterThan(50);
            assertThat(get(collector.url() + "/readyz").statusCode()).isEqualTo(503);
            collector.close(); // restarted with a non-empty spool while Kafka is still away

            collector = fixture.start(settings);
            for (; n < 120; n++) {
                sent.add(post(collector, n));
            }
            broker = EmbeddedKafkaBroker.start(brokerSettings); // Kafka is back

            List<ConsumerRecord<String, HookEnvelope>> records = fixture.readRaw(sent.size(), Duration.ofSeconds(90));
            Map<String, List<String>> firstSeenBySession = new LinkedHashMap<>();
            Set<String> distinct = new LinkedHashSet<>();
            for (ConsumerRecord<String, HookEnvelope> record : records) {
                String id = record.key() + ":" + JSON.readTree(record.value().getPayload()).path("seq").asInt();
                if (distinct.add(id)) {
                    firstSeenBySession.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(id);
                }
            }
            assertThat(distinct).as("every accepted event is in Kafka").containsExactlyInAnyOrderElementsOf(sent);
            for (String session : SESSIONS) {
                assertThat(firstSeenBySession.get(session)).as("order of " + session)
                        .containsExactlyElementsOf(sent.stream().filter(s -> s.startsWith(session + ":")).toList());
            }
            assertThat(records.size() - distinct.size()).as("duplicates").isZero();
            assertThat(awaitReady(collector)).isEqualTo(200);
            assertThat(get(collector.url() + "/metrics").body()).contains("collector_spool_pending_events 0.0");
            collector.close();
        } finally {
            registry.close();
            broker.close();
        }
    }

    private static String post(Collector collector, int n) throws Exception {
        assertThat(postRaw(collector, n).statusCode()).isEqualTo(200);
        return SESSIONS.get(n % 3) + ":" + n;
    }

    private static HttpResponse<String> postRaw(Collector collector, int n) throws Exception {
        return CollectorFixture.post(collector.url() + "/v1/hooks", "application/json", hook(SESSIONS.get(n % 3), "PreToolUse", n));
    }

    /** The readiness status once it is 200: the replayer flips readiness when the spool is drained. */
    private static int awaitReady(Collector collector) {
        return await("readiness after the spool is drained").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(collector.url() + "/readyz").statusCode(), status -> status == 200);
    }
}
