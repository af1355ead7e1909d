package dev.agenttelemetry.collector.publish;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import dev.agenttelemetry.collector.spool.FsyncPolicy;
import dev.agenttelemetry.collector.spool.Spool;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publisher against Kafka's own {@link MockProducer}, whose sends complete or fail when the test says so: the
 * partial failures of a replay after a long outage.
 */
class HookPublisherTest {
    @TempDir
    Path dir;

    @Test
    void aReplayThatFailsInPartSendsAgainOnlyWhatKafkaDidNotAcknowledge() throws Exception {
        Serializer<HookEnvelope> noBytes = (topic, envelope) -> new byte[0];
        MockProducer<String, HookEnvelope> kafka = new MockProducer<>(false, null, new StringSerializer(), noBytes);
        KafkaSender<HookEnvelope> sender = new KafkaSender<>(kafka, "raw", HookEnvelope::getSessionId, e -> e.getReceivedAt().toEpochMilli());
        try (Spool spool = Spool.open(dir, 1 << 20, 1 << 16, FsyncPolicy.ALWAYS, Duration.ofMillis(20))) {
            for (int n = 0; n < 5; n++) {
                spool.append(envelope(n)).get(); // spooled during an outage, replayed when the publisher starts
            }
            try (HookPublisher publisher = new HookPublisher(sender, spool, Duration.ofMillis(50), 1, new CollectorMetrics(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)))) {
                awaitSends(kafka, 5);
                // Kafka comes back in the middle of the replay: the oldest record expired, the four behind it arrive.
                assertThat(kafka.errorNext(new TimeoutException("expired in the accumulator"))).isTrue();
                for (int n = 1; n < 5; n++) {
                    assertThat(kafka.completeNext()).isTrue();
                }
                awaitSends(kafka, 6); // the replayer tries again after its backoff
                while (kafka.completeNext()) {
                    // acknowledge whatever the second round sent
                }
                await("the spool drained").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> spool.pendingEntries() == 0);
            }
            Map<String, Long> sends = kafka.history().stream().collect(Collectors.groupingBy(r -> r.value().getEventId(), Collectors.counting()));
            assertThat(sends).as("sends per event").containsExactlyInAnyOrderEntriesOf(Map.of("e0", 2L, "e1", 1L, "e2", 1L, "e3", 1L, "e4", 1L));
        }
    }

    private static void awaitSends(MockProducer<?, ?> kafka, int count) throws InterruptedException {
        await(count + " sends").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> kafka.history().size() >= count);
    }

    private static HookEnvelope envelope(int n) {
        return HookEnvelope.newBuilder().setEventId("e" + n).setReceivedAt(Instant.ofEpochMilli(1_000 + n))
                .setHookEventName("PreToolUse").setSessionId("s").setPayload("{\"n\":" + n + "}").build();
    }
}
