package dev.agenttelemetry.sink.loki;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.schemas.serde.ConfluentAvroSerializer;
import dev.agenttelemetry.testkit.TestKafka;
import dev.agenttelemetry.lokistandin.FakeLoki;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The plugin archive as an operator would use it: unzipped into the plugin.path of a stock Connect worker
 * (a separate JVM whose classpath has Kafka's jars but none of ours), with the example connector
 * configuration, it delivers an event from a real broker to Loki.
 */
class LokiPluginArchiveIT {
    @Test
    void theArchiveRunsInAStockWorkersPluginPath() throws Exception {
        Path archive;
        try (DirectoryStream<Path> zips = Files.newDirectoryStream(Path.of("target"), "agent-telemetry-sink-loki-*.zip")) {
            archive = zips.iterator().next();
        }
        Path work = TestKafka.workDir("plugin-it-");
        Path plugins = work.resolve("plugins");
        unzip(archive, plugins);
        String topic = "plugin-it-events";
        try (FakeLoki loki = FakeLoki.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-plugin-it");
             Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Path example = Files.list(plugins).findFirst().orElseThrow().resolve("etc/loki-sink-connector.properties");
            String connector = Files.readString(example)
                    .replace("topics=agent.events,agent.alerts,agent.sessions", "topics=" + topic)
                    .replace("loki.url=http://127.0.0.1:3100", "loki.url=" + loki.url())
                    .replace("schema.registry.url=http://127.0.0.1:8081", "schema.registry.url=" + registry.url())
                    .replace("errors.deadletterqueue.topic.name=agent.dlq", "errors.deadletterqueue.topic.name=plugin-it-dlq");
            Files.writeString(work.resolve("connector.properties"), connector);
            Files.writeString(work.resolve("worker.properties"), String.join("\n",
                    "bootstrap.servers=" + TestKafka.bootstrapServers(),
                    "plugin.path=" + plugins,
                    "key.converter=org.apache.kafka.connect.storage.StringConverter",
                    "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
                    "offset.storage.file.filename=" + work.resolve("offsets"),
                    "listeners=http://127.0.0.1:0",
                    "consumer.auto.offset.reset=earliest"));

            byte[] value = new ConfluentAvroSerializer<>(new SchemaRegistryClient(registry.url()), false).serialize(topic,
                    AgentEvent.newBuilder().setEventId("plugin-e1").setReceivedAt(Instant.now()).setSessionId("s1").setHookEventName("PreToolUse")
                            .setEventType(EventType.command_execution).setToolName("Bash").setCommand("ls").setPayload("{}").setHash("h").build());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topic, "s1", value)).get();
            }

            Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", kafkaOnlyClassPath(), "org.apache.kafka.connect.cli.ConnectStandalone",
                    work.resolve("worker.properties").toString(), work.resolve("connector.properties").toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("worker.log").toFile()).start();
            try {
                await("the worker's push, or its exit").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> loki.size() > 0 || !worker.isAlive());
                assertThat(loki.entries()).as("entries in Loki; worker log: " + work.resolve("worker.log")).singleElement()
                        .satisfies(entry -> assertThat(entry.metadata()).containsEntry("event_id", "plugin-e1"));
                assertThat(Files.readString(work.resolve("worker.log"))).as("the worker loaded our plugin from its plugin.path")
                        .contains("Registered loader: PluginClassLoader{pluginLocation=file:" + plugins);
            } finally {
                worker.destroy();
                worker.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The test classpath without any of this project's classes or jars: what a stock Kafka installation offers. */
    private static String kafkaOnlyClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.contains("agenttelemetry") && !entry.contains("/target/") && !entry.contains("avro")
                        && !entry.contains("snappy") && !entry.contains("protobuf"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static void unzip(Path archive, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(archive); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        }
    }
}
