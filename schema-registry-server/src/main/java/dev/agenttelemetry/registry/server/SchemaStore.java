package dev.agenttelemetry.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.topics.Replication;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.schemas.registry.RegisteredSchema;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The registry's state, kept in a compacted single-partition Kafka topic in the same record format as
 * Confluent's {@code _schemas} topic, so a restart replays it and keeps every id. Writes go through one
 * lock and wait for the broker's acknowledgement before the registry answers.
 */
final class SchemaStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

    record Version(int version, int id, String schema) {
    }

    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final Map<String, List<Version>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

    SchemaStore(KafkaAccess kafka, String topic, short replicationFactor) throws InterruptedException {
        this.topic = topic;
        createTopic(kafka, topic, replicationFactor);
        replay(kafka);
        this.producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0)),
                new StringSerializer(), new StringSerializer());
    }

    synchronized List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    synchronized List<Integer> versions(String subject) {
        return versionsOf(subject).stream().map(Version::version).toList();
    }

    synchronized RegisteredSchema version(String subject, String version) {
        List<Version> versions = versionsOf(subject);
        Version found;
        if ("latest".equals(version) || "-1".equals(version)) {
            found = versions.get(versions.size() - 1);
        } else {
            int number;
            try {
                number = Integer.parseInt(version);
            } catch (NumberFormatException e) {
                throw RegistryError.invalidVersion(version);
            }
            if (number < 1) {
                throw RegistryError.invalidVersion(version);
            }
            found = versions.stream().filter(v -> v.version() == number).findFirst()
                    .orElseThrow(() -> RegistryError.versionNotFound(version));
        }
        return new RegisteredSchema(subject, found.version(), found.id(), new Schema.Parser().parse(found.schema()));
    }

    synchronized Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    synchronized List<Map.Entry<String, Integer>> subjectVersionsOf(int id) {
        List<Map.Entry<String, Integer>> result = new ArrayList<>();
        subjects.forEach((subject, versions) -> versions.stream().filter(v -> v.id() == id)
                .forEach(v -> result.add(Map.entry(subject, v.version()))));
        return result;
    }

    /** The version of {@code subject} holding exactly this schema, if it was registered there. */
    synchronized Optional<RegisteredSchema> lookup(String subject, String schemaText) {
        String canonical = canonical(schemaText);
        return versionsOf(subject).stream().filter(v -> v.schema().equals(canonical)).findFirst()
                .map(v -> new RegisteredSchema(subject, v.version(), v.id(), new Schema.Parser().parse(v.schema())));
    }

    /** Registers the schema as the next version of the subject, unless it is there already or incompatible. */
    synchronized RegisteredSchema register(String subject, String schemaText) {
        String canonical = canonical(schemaText);
        List<Version> versions = subjects.getOrDefault(subject, List.of());
        for (Version v : versions) {
            if (v.schema().equals(canonical)) {
                return new RegisteredSchema(subject, v.version(), v.id(), new Schema.Parser().parse(canonical));
            }
        }
        List<String> problems = compatibilityProblems(subject, canonical);
        if (!problems.isEmpty()) {
            throw new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\", details: " + problems);
        }
        int id = idsBySchema.getOrDefault(canonical, schemasById.keySet().stream().mapToInt(i -> i).max().orElse(0) + 1);
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                .put("schema", canonical).put("deleted", false);
        write(key, value);
        apply(key, value);
        return new RegisteredSchema(subject, version, id, new Schema.Parser().parse(canonical));
    }

    /** Problems that stop {@code schemaText} from becoming the next version of {@code subject}; empty when none. */
    synchronized List<String> compatibilityProblems(String subject, String schemaText) {
        Schema candidate = parse(schemaText);
        List<Schema> existing = subjects.getOrDefault(subject, List.of()).stream()
                .map(v -> new Schema.Parser().parse(v.schema())).toList();
        return level(subject, true).orElse(globalLevel).problems(candidate, existing);
    }

    /** The subject's own level, or the global one when {@code fallBackToGlobal}. */
    synchronized Optional<CompatibilityLevel> level(String subject, boolean fallBackToGlobal) {
        CompatibilityLevel own = subject == null ? globalLevel : subjectLevels.get(subject);
        return Optional.ofNullable(own != null ? own : fallBackToGlobal ? globalLevel : null);
    }

    synchronized void setLevel(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        key.put("subject", subject);
        ObjectNode value = JSON.createObjectNode().put("compatibilityLevel", level.name());
        write(key, value);
        apply(key, value);
    }

    private List<Version> versionsOf(String subject) {
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return versions;
    }

    private static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw RegistryError.invalidSchema(String.valueOf(e.getMessage()));
        }
    }

    /** One text per schema, so the same schema sent with other spacing gets the same id. */
    private static String canonical(String schemaText) {
        return parse(schemaText).toString();
    }

    private void write(ObjectNode key, ObjectNode value) {
        try {
            producer.send(new ProducerRecord<>(topic, key.toString(), value.toString())).get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError(500, 50001, "interrupted while storing the schema");
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryError(500, 50001, "could not store the schema in topic " + topic + ": " + e);
        }
    }

    private void apply(JsonNode key, JsonNode value) {
        String subject = key.path("subject").isNull() ? null : key.path("subject").asText(null);
        switch (key.path("keytype").asText()) {
            case "SCHEMA" -> {
                if (value == null || value.path("deleted").asBoolean(false)) {
                    return;
                }
                int id = value.path("id").asInt();
                String schema = value.path("schema").asText();
                List<Version> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
                versions.removeIf(v -> v.version() == value.path("version").asInt());
                versions.add(new Version(value.path("version").asInt(), id, schema));
                versions.sort((a, b) -> Integer.compare(a.version(), b.version()));
                schemasById.put(id, schema);
                idsBySchema.putIfAbsent(schema, id);
            }
            case "CONFIG" -> {
                if (value == null) {
                    return;
                }
                CompatibilityLevel level = CompatibilityLevel.parse(value.path("compatibilityLevel").asText());
                if (subject == null) {
                    globalLevel = level;
                } else {
                    subjectLevels.put(subject, level);
                }
            }
            default -> {
                // other key types (modes, deletes of whole subjects) are not used by this registry
            }
        }
    }

    /**
     * Creates the topic when missing; either way waits until its partition has a leader, so that the replay does not
     * time out with a message that names nothing when the broker holding it is down.
     */
    private static void createTopic(KafkaAccess kafka, String topic, short replicationFactor) throws InterruptedException {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            if (!admin.listTopics().names().get().contains(topic)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, Replication.factor(admin, replicationFactor))
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            TopicProvisioner.awaitLeaders(admin, java.util.Set.of(topic), java.time.Instant.now().plus(IO_TIMEOUT));
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the registry topic " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    private void replay(KafkaAccess kafka) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), IO_TIMEOUT).get(partition);
            while (consumer.position(partition, IO_TIMEOUT) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(readJson(record.key()), record.value() == null ? null : readJson(record.value()));
                }
            }
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("registry topic holds a record that is not JSON", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
