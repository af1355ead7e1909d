package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.TopicScan;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code agent-telemetry bench fuzz}: bad input at scale against a real collector, and proof the valid events in between arrived. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Starts a collector on a fresh embedded broker and sends it generated requests (malformed, truncated,",
                "mutated, deeply nested, oversized and invalid-UTF-8 bodies, wrong field types, unknown events, header and",
                "framing abuse, wrong methods and paths, batches) with valid events in between. Passes when every answer is a",
                "2xx or a 4xx with a reason within 10 s, the collector is still healthy, and every accepted valid event is in",
                "Kafka. Exit code 0 pass, 1 fail."},
        footer = {"", "Example:", "  agent-telemetry bench fuzz --requests 100000"})
public final class FuzzCommand implements Callable<Integer> {
    @Option(names = "--requests", paramLabel = "N", defaultValue = "100000", description = "Requests to send (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed, to replay a run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Concurrent connections (default: ${DEFAULT-VALUE}).")
    int threads;

    /** A fuzzing run and what it proved. */
    public record Outcome(HookFuzzer.Result result, boolean healthyAfter, long validMissing) {
        public boolean passed() {
            return result.violationCount() == 0 && healthyAfter && validMissing == 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        try (BenchEnvironment env = BenchEnvironment.start()) {
            BenchEnvironment.progress("sending " + requests + " requests with " + threads + " connections");
            Outcome outcome = fuzz(env.broker.bootstrapServers(), env.registry.url(), env.dir, requests, seed, threads);
            HookFuzzer.Result r = outcome.result();
            System.out.printf("Collector fuzzing: %,d requests in %.1f s (%,.0f/s), seed %d%n", r.requests(), r.seconds(), r.requests() / r.seconds(), seed);
            System.out.println("by kind:   " + r.byCategory());
            System.out.println("answers:   " + r.byStatus());
            System.out.printf("valid events: %,d sent, %,d accepted, %,d missing from Kafka%n", r.validSent(), r.acceptedValidIds().size(),
                    outcome.validMissing());
            System.out.println("collector healthy afterwards: " + outcome.healthyAfter());
            System.out.println("violations: " + r.violationCount());
            r.violations().forEach(v -> System.out.println("  " + v));
            System.out.println(outcome.passed() ? "PASS" : "FAIL");
            return outcome.passed() ? 0 : 1;
        }
    }

    /** Runs a collector on the given broker, fuzzes it, and checks its health and the accepted valid events in Kafka. */
    public static Outcome fuzz(String kafka, String registryUrl, Path dir, int requests, long seed, int threads) throws Exception {
        TopicLayout layout = TopicLayout.from(new ConfigReader(Map.of("topic.raw.name", "fuzz-raw-" + seed + "-" + System.nanoTime(),
                "topic.otlp-logs.name", "fuzz-otlp-" + seed + "-" + System.nanoTime()), "fuzz"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            TopicProvisioner.ensure(admin, List.of(layout.raw(), layout.otlpLogs()), Duration.ofSeconds(30));
        }
        TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registryUrl));
        Instant start = Instant.now();
        try (Collector collector = Collector.start(CollectorConfig.from(new ConfigReader(Map.of("collector.port", "0"), "fuzz"), kafka,
                layout.raw().name(), dir.resolve("fuzz-collector-" + System.nanoTime())), topics.raw(), topics.otlpLogs())) {
            HookFuzzer.Result result = new HookFuzzer(URI.create(collector.url())).run(requests, seed, threads);
            boolean healthy;
            try {
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(collector.url() + "/healthz"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                healthy = health.statusCode() == 200;
            } catch (Exception e) {
                healthy = false;
            }
            Set<String> wanted = new HashSet<>(result.acceptedValidIds());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!wanted.isEmpty() && System.nanoTime() < deadline) {
                List<HookEnvelope> seen = TopicScan.read(KafkaAccess.plaintext(kafka), topics.raw(), start.minusSeconds(60), e -> wanted.contains(e.getEventId()), n -> { });
                seen.forEach(e -> wanted.remove(e.getEventId()));
            }
            return new Outcome(result, healthy, wanted.size());
        }
    }
}
