package dev.agenttelemetry.enricher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.enricher.masking.Masker;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.testkit.ChildJvm;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The enricher on the real broker with exactly-once: good records are enriched, undecodable ones go masked to the DLQ. */
class EnricherIT {
    private static final String SECRET = "ghp_8fK2mQ9xLw4Rt7Vb1Nc6Hs3Jd5Pg0Za2Ye7Tu9Q";

    @Test
    void enrichesGoodRecordsAndSendsUndecodableOnesMaskedToTheDeadLetterTopic() throws Exception {
        TopicLayout layout = TopicLayout.from(new ConfigReader(Map.of("topic.raw.name", "it-raw", "topic.events.name", "it-events",
                "topic.dlq.name", "it-dlq", "topic.raw.partitions", "2", "topic.events.partitions", "2", "topic.dlq.partitions", "1"), "test"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-enricher")) {
            TopicProvisioner.ensure(admin, List.of(layout.raw(), layout.events(), layout.dlq()), Duration.ofSeconds(30));
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            EnricherConfig config = EnricherConfig.from(new ConfigReader(Map.of("enricher.application.id", "enricher-it"), "test"),
                    TestKafka.bootstrapServers(), TestKafka.workDir("enricher-state-"), layout.dlq().name());
            Properties props = new Properties();
            props.putAll(config.streamsProperties());
            try (KafkaStreams streams = new KafkaStreams(EnricherTopology.build(topics.raw(), topics.events(),
                    new HookEventEnricher(Masker.withDefaultRules(), 200), config.chainTtl(), config.pairingGap()), props)) {
                streams.start();
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    byte[] good = topics.raw().valueSerde().serializer().serialize(layout.raw().name(), HookEnvelope.newBuilder()
                            .setEventId("good-1").setReceivedAt(Instant.now()).setHookEventName("PreToolUse").setSessionId("it-s1")
                            .setPayload("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"git push https://" + SECRET + "@github.com/o/r\"}}").build());
                    producer.send(new ProducerRecord<>(layout.raw().name(), "it-s1".getBytes(), ("{\"not\":\"avro\",\"token\":\"" + SECRET + "\"}").getBytes())).get();
                    producer.send(new ProducerRecord<>(layout.raw().name(), "it-s1".getBytes(), good)).get();
                }
                List<ConsumerRecord<String, AgentEvent>> events = read(topics.events().name(), 1, topics.events().valueSerde().deserializer()::deserialize);
                assertThat(events).as("the good record once").hasSize(1);
                AgentEvent event = events.get(0).value();
                assertThat(event.getEventId()).isEqualTo("good-1");
                assertThat(event.getCommand()).doesNotContain(SECRET).contains("[MASKED:github_token]");
                assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);

                List<ConsumerRecord<String, byte[]>> deadLetters = read(layout.dlq().name(), 1, (topic, bytes) -> bytes);
                assertThat(deadLetters).as("the undecodable record once").hasSize(1);
                ConsumerRecord<String, byte[]> dead = deadLetters.get(0);
                assertThat(new String(dead.value(), StandardCharsets.UTF_8)).doesNotContain(SECRET).contains("[MASKED:github_token]", "not");
                assertThat(new String(dead.headers().lastHeader("dlq.source.topic").value())).isEqualTo(layout.raw().name());
                assertThat(new String(dead.headers().lastHeader("dlq.reason").value())).contains("magic byte");
                assertThat(new String(dead.headers().lastHeader("dlq.application").value())).isEqualTo("enricher-it");
            }
        }
    }

    @Test
    void runsAloneFromAPropertiesFileAndStopsOnSigterm() throws Exception {
        Map<String, String> topicNames = Map.of("topic.raw.name", "alone-raw", "topic.events.name", "alone-events", "topic.dlq.name", "alone-dlq");
        TopicLayout layout = TopicLayout.from(new ConfigReader(topicNames, "test"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-alone")) {
            TopicProvisioner.ensure(admin, layout.all(), Duration.ofSeconds(30));
            Path settings = TestKafka.workDir("enricher-alone-").resolve("enricher.properties");
            StringBuilder file = new StringBuilder("bootstrap.servers=" + TestKafka.bootstrapServers() + "\nschema.registry.url=" + registry.url()
                    + "\nstreams.state.dir=" + settings.getParent().resolve("state") + "\nmetrics.port=0\nenricher.application.id=enricher-alone\n");
            topicNames.forEach((key, value) -> file.append(key).append('=').append(value).append('\n'));
            Files.writeString(settings, file);
            Process app = ChildJvm.startMain(EnricherApp.class, settings.toString());
            try {
                ChildJvm.awaitLine(app, Pattern.compile("^Ready: enricher running, metrics at http://127\\.0\\.0\\.1:"), Duration.ofSeconds(90));
                TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>(layout.raw().name(), "alone-s1".getBytes(), topics.raw().valueSerde().serializer().serialize(
                            layout.raw().name(), HookEnvelope.newBuilder().setEventId("alone-1").setReceivedAt(Instant.now())
                                    .setHookEventName("PreToolUse").setSessionId("alone-s1")
                                    .setPayload("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}").build()))).get();
                }
                List<ConsumerRecord<String, AgentEvent>> events = read(layout.events().name(), 1, topics.events().valueSerde().deserializer()::deserialize);
                assertThat(events).extracting(record -> record.value().getEventId()).containsExactly("alone-1");

                app.destroy(); // SIGTERM
                assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("the enricher stopped").isTrue();
                assertThat(app.exitValue()).as("128 + SIGTERM, as any JVM that a signal stops").isEqualTo(143);
            } finally {
                app.destroyForcibly();
            }
        }
    }

    private interface Decoder<V> {
        V decode(String topic, byte[] bytes);
    }

    private static <V> List<ConsumerRecord<String, V>> read(String topic, int expected, Decoder<V> decoder) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plusSeconds(60);
            Instant settled = null; // once the expected records are in, two more seconds for any duplicate to show
            while (Instant.now().isBefore(settled != null ? settled : deadline)) {
                if (settled == null && out.size() >= expected) {
                    settled = Instant.now().plusSeconds(2);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(), r.serializedKeySize(),
                            r.serializedValueSize(), r.key() == null ? null : new String(r.key()), decoder.decode(topic, r.value()), r.headers(),
                            r.leaderEpoch()));
                }
            }
        }
        assertThat(out).as("records on " + topic).hasSizeGreaterThanOrEqualTo(expected);
        return out;
    }
}
