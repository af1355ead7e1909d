package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh embedded broker and registry in a temporary directory, removed again when the benchmark ends. */
final class BenchEnvironment implements AutoCloseable {
    final Path dir;
    final EmbeddedKafkaBroker broker;
    final EmbeddedSchemaRegistry registry;

    private BenchEnvironment(Path dir, EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.dir = dir;
        this.broker = broker;
        this.registry = registry;
    }

    static BenchEnvironment start() throws IOException, InterruptedException {
        // Figures go to stdout, progress to stderr; only warnings from the components (set before any logger exists).
        System.setProperty("org.slf4j.simpleLogger.log.dev.agenttelemetry", "warn");
        Path dir = Files.createTempDirectory("agent-telemetry-bench-");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Settings.ephemeral(dir.resolve("kafka")));
        try {
            return new BenchEnvironment(dir, broker, EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(broker.bootstrapServers()), "_schemas"));
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    static void progress(String what) {
        System.err.println("... " + what);
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
        delete(dir);
    }

    /** Removes a benchmark's directory and everything in it. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
