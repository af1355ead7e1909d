package dev.agenttelemetry.launcher;

import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.security.AccessPlan;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole pipeline (`up` in a JVM of its own, with the Loki sink) on the embedded broker secured with TLS,
 * SASL/SCRAM and ACLs: every component runs as its own principal with only its rights, hooks full of secrets
 * go in, and no secret comes out on any topic past the raw one, in the DLQ, in Loki, in the logs or in
 * {@code status}; nor does any Kafka password.
 */
class LeastPrivilegeIT {
    /** Secrets of the kinds the README promises to mask, as they appear in real tool calls. */
    private static final List<String> SECRETS = List.of("AKIA2E3MRXQWJ7ZK4NPD", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vT2hL4k",
            "ghp_R8kZ2mQ9vX4nT7wL1pY6sB3cF5hJ0dG2aE8u", "sk-ant-api03-Zq8xT2vB7nM4kL9pW3sR6yH1cF5jD0gA8eU2iO7tQ4wE9rY6uI3oP1aS5dF8gH2jK4lZ7xC0vB3n",
            "xoxb-2048675309-4815162342-Qm8ZkT3vX9wL2pR7sN4yB6cF", "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUv",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "S3cr3tPassw0rd9", "Sup3rS3cretPw", "Tr0ub4dorAnd3x", "jane.doe@acme-corp.com", "4539 1488 0343 6467",
            "AIzaSyD4x9Qm2KfT7vB1nW8pL3rS6yH0cJ5eG2a");

    @Test
    void everyComponentHasOnlyItsOwnRightsAndNoSecretGetsPastTheEnricher() throws Exception {
        Path dataDir = TestKafka.workDir("least-privilege-");
        try (FakeLoki loki = FakeLoki.start()) {
            Map<String, String> settings = new HashMap<>();
            settings.put(KafkaAccess.PROTOCOL, "SASL_SSL");
            settings.put("broker.port", Integer.toString(FreePorts.loopback()));
            settings.put("broker.controller.port", Integer.toString(FreePorts.loopback()));
            settings.put("schema.registry.port", Integer.toString(FreePorts.loopback()));
            settings.put("connect.rest.port", Integer.toString(FreePorts.loopback()));
            settings.put("collector.port", Integer.toString(FreePorts.loopback()));
            settings.put("loki.url", loki.url());
            Files.writeString(dataDir.resolve(PipelineSettings.CONFIG_FILE_NAME), settings.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")) + "\n");
            ConfigReader config = new ConfigReader(settings, "test").with(Map.of(KafkaAccess.SECRETS_DIR, dataDir.resolve("security").toString()));
            String bootstrap = "127.0.0.1:" + settings.get("broker.port");
            TopicLayout topics = TopicLayout.from(config);

            // --verbose: Kafka's own components log their configuration at info level, the likeliest place for a password to leak.
            Process up = ChildProcesses.start("up", "--data-dir", dataDir.toString(), "--verbose");
            try {
                String collector = ChildProcesses.awaitCollectorUrl(up);
                int posted = postHooksWithSecrets(collector);
                KafkaAccess admin = KafkaAccess.of(config, bootstrap, AccessPlan.ADMIN);
                produceUndecodableRawRecord(admin, topics.raw().name());

                await(() -> count(admin, topics.events().name()) >= posted && count(admin, topics.dlq().name()) >= 1
                        && count(admin, topics.alerts().name()) >= 1 && count(admin, topics.sessions().name()) >= 1, "events, alerts, sessions and the DLQ");
                await(() -> loki.size() >= posted, "events in Loki");

                assertThat(text(admin, topics.raw().name())).as("the raw topic holds the secrets (else this test proves nothing)")
                        .contains(SECRETS);
                for (String topic : List.of(topics.events().name(), topics.alerts().name(), topics.dlq().name())) {
                    assertThat(text(admin, topic)).as("no secret on " + topic).doesNotContain(SECRETS).contains("[MASKED:");
                }
                assertThat(text(admin, topics.sessions().name())).as("no secret on " + topics.sessions().name()).doesNotContain(SECRETS);
                String inLoki = loki.entries().stream().map(e -> e.line() + e.metadata() + e.labels()).collect(Collectors.joining("\n"));
                assertThat(inLoki).as("no secret in Loki").doesNotContain(SECRETS).contains("[MASKED:");

                assertOnlyTheEnricherReadsRaw(config, bootstrap, topics.raw().name());
                assertThatThrownBy(() -> produce(KafkaAccess.of(config, bootstrap, AccessPlan.COLLECTOR), topics.events().name()))
                        .as("the collector writes the raw topics only").hasRootCauseInstanceOf(TopicAuthorizationException.class);
                assertThatThrownBy(() -> produce(KafkaAccess.of(config, bootstrap, AccessPlan.ENRICHER), topics.alerts().name()))
                        .as("the enricher cannot forge alerts").hasRootCauseInstanceOf(TopicAuthorizationException.class);
                ConfigReader wrongPassword = config.with(Map.of("operator.kafka.password", "not-the-password"));
                assertThatThrownBy(() -> describeCluster(KafkaAccess.of(wrongPassword, bootstrap, AccessPlan.OPERATOR)))
                        .hasRootCauseInstanceOf(SaslAuthenticationException.class);

                Cli.Run status = Cli.run("status", "--data-dir", dataDir.toString());
                assertThat(status.exitCode()).as(status.out() + status.err()).isZero();
                assertThat(status.out()).contains("SASL_SSL as operator");
                List<String> passwords = passwords(dataDir.resolve("security"));
                assertThat(passwords).hasSize(AccessPlan.PRINCIPALS.size() + 2); // and the super user's and the keystore's
                assertThat(status.out() + status.err()).doesNotContain(passwords);
                String log = Files.readString(dataDir.resolve("logs").resolve("agent-telemetry.log"));
                assertThat(log).as("the pipeline's log").contains("sasl.jaas.config = [hidden]").doesNotContain(passwords).doesNotContain(SECRETS);
            } finally {
                up.destroy();
                up.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertOnlyTheEnricherReadsRaw(ConfigReader config, String bootstrap, String raw) throws Exception {
        assertThat(read(KafkaAccess.of(config, bootstrap, AccessPlan.ENRICHER), raw)).as("the enricher reads raw").isPositive();
        for (String principal : AccessPlan.PRINCIPALS) {
            if (!principal.equals(AccessPlan.ENRICHER)) {
                assertThatThrownBy(() -> read(KafkaAccess.of(config, bootstrap, principal), raw)).as(principal + " reading raw")
                        .isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    /** Each secret in a different place of a realistic hook: commands, file contents, tool output, prompts, URLs. */
    private static int postHooksWithSecrets(String collector) throws Exception {
        List<String> bodies = new ArrayList<>();
        String session = "\"session_id\":\"lp-1\",\"cwd\":\"/home/dev/shop\"";
        bodies.add("{" + session + ",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\",\"tool_input\":{\"command\":"
                + "\"aws configure set aws_access_key_id " + SECRETS.get(0) + " && sudo cat /etc/shadow\"}}");
        bodies.add("{" + session + ",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Write\",\"tool_use_id\":\"t2\",\"tool_input\":{\"file_path\":"
                + "\"/home/dev/shop/.env\",\"content\":\"aws_secret_access_key = " + SECRETS.get(1) + "\\nGITHUB_TOKEN=" + SECRETS.get(2)
                + "\\nANTHROPIC_API_KEY=" + SECRETS.get(3) + "\\n\"},\"tool_response\":{\"type\":\"create\",\"filePath\":\"/home/dev/shop/.env\"}}");
        bodies.add("{" + session + ",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Bash\",\"tool_use_id\":\"t3\",\"tool_input\":{\"command\":"
                + "\"curl -H 'Authorization: Bearer " + SECRETS.get(4) + "' https://slack.com/api/auth.test\"},\"tool_response\":{\"stdout\":"
                + "\"stripe.api_key = \\\"" + SECRETS.get(5) + "\\\"\\ntoken=" + SECRETS.get(6) + "\",\"stderr\":\"\"}}");
        bodies.add("{" + session + ",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_use_id\":\"t4\",\"tool_input\":{\"command\":"
                + "\"psql postgres://app:" + SECRETS.get(7) + "@db.internal:5432/app; mysql -u root -p" + SECRETS.get(8)
                + "; export DB_PASSWORD=" + SECRETS.get(9) + "\"}}");
        bodies.add("{" + session + ",\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"mail " + SECRETS.get(10) + " about card "
                + SECRETS.get(11) + " and use GOOGLE_KEY=" + SECRETS.get(12) + "\"}");
        bodies.add("{" + session + ",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"WebFetch\",\"tool_use_id\":\"t5\",\"tool_input\":{\"url\":"
                + "\"https://api.github.com/user?access_token=" + SECRETS.get(2) + "\",\"prompt\":\"who am I\"}}");
        HttpClient http = HttpClient.newHttpClient();
        for (String body : bodies) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(collector + "/v1/hooks")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        return bodies.size();
    }

    /** A corrupt record on the raw topic (not Avro) with a secret inside: the enricher dead-letters it, masked. */
    private static void produceUndecodableRawRecord(KafkaAccess admin, String raw) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(admin.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(raw, "lp-1".getBytes(StandardCharsets.UTF_8),
                    ("not avro; GITHUB_TOKEN=" + SECRETS.get(2)).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(KafkaAccess kafka, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(Map.of("max.block.ms", 10_000)),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[]{1})).get(30, TimeUnit.SECONDS);
        }
    }

    private static void describeCluster(KafkaAccess kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    /** How many records the topic yields, as {@code kafka}'s principal (throws when it may not read). */
    private static int read(KafkaAccess kafka, String topic) {
        List<TopicPartition> partitions = Stream.iterate(0, p -> p + 1).limit(6).map(p -> new TopicPartition(topic, p)).toList();
        return records(kafka, topic, partitions).size();
    }

    private static long count(KafkaAccess kafka, String topic) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
                List<TopicPartition> all = Stream.iterate(0, p -> p + 1).limit(partitions).map(p -> new TopicPartition(topic, p)).toList();
                return consumer.endOffsets(all).values().stream().mapToLong(Long::longValue).sum();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every committed record of the topic, keys, values and headers as text. */
    private static String text(KafkaAccess kafka, String topic) {
        List<TopicPartition> partitions;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        }
        StringBuilder text = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> record : records(kafka, topic, partitions)) {
            text.append(record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8)).append('\t')
                    .append(record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8));
            record.headers().forEach(h -> text.append('\t').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)));
            text.append('\n');
        }
        return text.toString();
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(KafkaAccess kafka, String topic, List<TopicPartition> partitions) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaAccess kafka) {
        return new KafkaConsumer<>(kafka.clientProperties(Map.of("isolation.level", "read_committed", "enable.auto.commit", false,
                "default.api.timeout.ms", 30_000)), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<String> passwords(Path securityDir) throws IOException {
        try (Stream<Path> files = Files.list(securityDir)) {
            List<String> passwords = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".password")).toList()) {
                passwords.add(Files.readString(file).trim());
            }
            return passwords;
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        org.awaitility.Awaitility.await(what).dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).until(condition::getAsBoolean); // each check reads the topics
    }
}
