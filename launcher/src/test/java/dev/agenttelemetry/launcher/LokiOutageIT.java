package dev.agenttelemetry.launcher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.up.ConnectRunner;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Loki sink in a real Connect worker while Loki goes away for 15 s (or {@code -Ddrill.loki.outage}, e.g.
 * {@code PT3M}) with events arriving throughout, comes back, and answers 429 and 500: the sink backs off, Connect
 * redelivers, and in the end every event is in Loki, each once.
 */
class LokiOutageIT {
    @Test
    void catchesUpAfterAnOutageAndThrottlingWithEveryEventOnce() throws Exception {
        Duration outage = DrillHooks.faultLength("drill.loki.outage", Duration.ofSeconds(15));
        TopicLayout layout = TopicLayout.from(new ConfigReader(Map.of("topic.events.name", "outage-events", "topic.dlq.name", "outage-dlq",
                "topic.events.partitions", "2"), "test"));
        int port = FreePorts.loopback();
        String kafka = TestKafka.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(kafka), "_schemas-outage")) {
            TopicProvisioner.ensure(admin, List.of(layout.events(), layout.dlq()), Duration.ofSeconds(30));
            Topic<String, AgentEvent> events = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url())).events();
            Set<String> inLoki = new HashSet<>();
            FakeLoki loki = FakeLoki.start(port);
            try (ConnectRunner connect = ConnectRunner.start(KafkaAccess.plaintext(kafka), TestKafka.workDir("outage-connect-"), 0, "http://127.0.0.1:" + port,
                    registry.url(), List.of(layout.events().name()), layout.dlq().name(), (short) 1, Map.of(), Duration.ofSeconds(60));
                 KafkaProducer<String, AgentEvent> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka),
                         events.keySerde().serializer(), events.valueSerde().serializer())) {
                send(producer, events, 0, 50);
                FakeLoki first = loki;
                await(() -> first.size() >= 50, "the first 50 events in Loki");
                first.entries().forEach(e -> inLoki.add(e.metadata().get("event_id")));
                first.close(); // Loki goes away: connections refused

                // The outage lasts while events keep coming: the sink retries with backoff and hands the batch back to Connect.
                long wentAway = System.nanoTime();
                int sent = 50;
                while (sent < 100 || System.nanoTime() - wentAway < outage.toNanos()) {
                    send(producer, events, sent, sent + 1);
                    sent++;
                    Thread.sleep(100); // pacing: ten events a second
                }
                System.out.printf("Loki was away for %.1f s; %d events sent by then%n", (System.nanoTime() - wentAway) / 1e9, sent);

                loki = FakeLoki.start(port); // Loki is back (empty: a new instance)
                loki.failNext(new FakeLoki.Failure(429, "Ingestion rate limit exceeded\n", Duration.ZERO),
                        new FakeLoki.Failure(500, "empty ring\n", Duration.ZERO), new FakeLoki.Failure(429, "rate limited\n", Duration.ZERO));
                FakeLoki back = loki;
                send(producer, events, sent, sent + 50);
                int total = sent + 50;
                await(() -> back.entries().stream().map(e -> e.metadata().get("event_id")).filter(id -> !inLoki.contains(id)).count() >= total - 50,
                        "the other " + (total - 50) + " events in Loki after the outage");
                List<FakeLoki.Entry> after = back.entries();
                assertThat(after.stream().map(e -> e.metadata().get("event_id")).distinct().count()).as("no entry twice").isEqualTo(after.size());
                after.forEach(e -> inLoki.add(e.metadata().get("event_id")));
                assertThat(inLoki).hasSize(total);
            } finally {
                loki.close();
            }
        }
    }

    private static void send(KafkaProducer<String, AgentEvent> producer, Topic<String, AgentEvent> topic, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            AgentEvent event = AgentEvent.newBuilder().setEventId("outage-" + i).setReceivedAt(Instant.now()).setSessionId("outage-s" + (i % 5))
                    .setHookEventName("PreToolUse").setEventType(EventType.command_execution).setToolName("Bash").setCommand("echo " + i)
                    .setPayload("{}").setHash("h").setSequence(i + 1).build();
            producer.send(new ProducerRecord<>(topic.name(), event.getSessionId(), event)).get();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long start = System.nanoTime();
        org.awaitility.Awaitility.await(what).dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(condition::getAsBoolean);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("%s after %.1f s%n", what, took.toMillis() / 1e3);
    }
}
