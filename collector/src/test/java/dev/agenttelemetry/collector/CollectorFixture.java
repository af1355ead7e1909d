package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A collector on a real broker for the integration tests, and helpers to post to it and read the raw topic. */
final class CollectorFixture {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String bootstrapServers;
    final Topic<String, HookEnvelope> raw;
    final Topic<String, OtlpLogRecord> otlp;
    final Path dataDir;

    CollectorFixture(String bootstrapServers, String registryUrl, String rawTopicName, Path dataDir) throws Exception {
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        TopicLayout layout = TopicLayout.from(new ConfigReader(Map.of("topic.raw.name", rawTopicName, "topic.raw.partitions", "3",
                "topic.otlp-logs.name", rawTopicName + "-otlp"), "test"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            TopicProvisioner.ensure(admin, List.of(layout.raw(), layout.otlpLogs()), Duration.ofSeconds(30));
        }
        TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registryUrl));
        this.raw = topics.raw();
        this.otlp = topics.otlpLogs();
    }

    Collector start(Map<String, String> settings) throws Exception {
        return start(settings, bootstrapServers);
    }

    /** A collector on this fixture's topics and directory, but with the given Kafka (an unreachable one, say). */
    Collector start(Map<String, String> settings, String kafka) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("collector.port", "0", "collector.ack.timeout.ms", "300"));
        all.putAll(settings);
        return Collector.start(CollectorConfig.from(new ConfigReader(all, "test"), kafka, raw.name(), dataDir), raw, otlp);
    }

    static HttpResponse<String> post(String url, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> postBytes(String url, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static String hook(String session, String event, int n) {
        return "{\"session_id\":\"" + session + "\",\"hook_event_name\":\"" + event + "\",\"cwd\":\"/work/shop\",\"tool_name\":\"Bash\","
                + "\"tool_input\":{\"command\":\"echo " + n + "\"},\"seq\":" + n + "}";
    }

    /** Every record on the raw topic, in partition order, read until {@code expected} arrived or the wait ran out. */
    List<ConsumerRecord<String, HookEnvelope>> readRaw(int expected, Duration wait) {
        return read(raw, expected, wait);
    }

    <V> List<ConsumerRecord<String, V>> read(Topic<String, V> topic, int expected, Duration wait) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(wait);
            while (records.size() < expected && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
