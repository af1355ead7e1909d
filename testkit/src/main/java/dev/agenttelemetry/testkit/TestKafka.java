package dev.agenttelemetry.testkit;

import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Kafka broker of a test run, started once per JVM and stopped at exit: a Testcontainers
 * {@code apache/kafka} container when Docker is available, otherwise the embedded KRaft broker.
 * Either way the same tests run against a real broker; nothing is skipped.
 */
public final class TestKafka {
    /** The broker image when Docker is there; same release as our clients. Override: -Dtest.kafka.image=... */
    private static final String KAFKA_IMAGE = System.getProperty("test.kafka.image", "apache/kafka:4.3.1");
    private static String bootstrapServers;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            start();
        }
        return bootstrapServers;
    }

    /** A fresh directory under the build's test work directory (java.io.tmpdir points there in this build). */
    public static Path workDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a test directory", e);
        }
    }

    private static void start() {
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-stop"));
            bootstrapServers = container.getBootstrapServers();
            System.out.println("TestKafka: Docker is available; using a " + KAFKA_IMAGE + " container at " + bootstrapServers);
            return;
        }
        try {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.ephemeral(workDir("kafka-")));
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-stop"));
            bootstrapServers = broker.bootstrapServers();
            System.out.println("TestKafka: no Docker; using the embedded KRaft broker at " + bootstrapServers);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded Kafka broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
