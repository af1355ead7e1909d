package dev.agenttelemetry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.launcher.up.Pipeline;
import dev.agenttelemetry.lokistandin.FakeLoki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code agent-telemetry bench loki-streams}: replays real hook payloads through the whole pipeline into the Loki
 * stand-in and counts the streams Loki would index (one per distinct label set), with the sink's labels or others.
 */
@Command(name = "loki-streams", mixinStandardHelpOptions = true,
        description = {"Replays the real hook payloads of real-hooks.jsonl through the whole pipeline (embedded broker, collector,",
                "enricher, analytics, the Loki sink) into the Loki stand-in, and counts the streams Loki would index: one per",
                "distinct label set. --labels compares another labels.fields setting of the sink."},
        footer = {"", "Examples:", "  agent-telemetry bench loki-streams",
                "  agent-telemetry bench loki-streams --labels project_name:project,tool_name"})
public final class LokiStreamsMeasurement implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final Duration QUIET = Duration.ofSeconds(3);

    @Option(names = "--corpora", paramLabel = "DIR", defaultValue = "${env:AGENT_TELEMETRY_CORPORA:-corpora}", description = "Directory with real-hooks.jsonl (default: $AGENT_TELEMETRY_CORPORA, else ./corpora).")
    Path corpora;

    @Option(names = "--labels", paramLabel = "FIELDS", description = "The sink's labels.fields for this run (default: the sink's own).")
    String labels;

    @Override
    public Integer call() throws Exception {
        Path hooks = corpora.resolve("real-hooks.jsonl");
        if (!Files.isRegularFile(hooks)) {
            System.err.println("error: no real-hooks.jsonl in " + corpora.toAbsolutePath() + " (use --corpora DIR)");
            return 2;
        }
        Path dataDir = Files.createTempDirectory("agent-telemetry-streams-");
        Map<String, String> options = new HashMap<>(Map.of("broker.port", Integer.toString(FreePorts.loopback()),
                "broker.controller.port", Integer.toString(FreePorts.loopback()), "schema.registry.port", "0", "collector.port", "0",
                "connect.rest.port", "0"));
        if (labels != null) {
            options.put(Pipeline.LOKI_SINK_PREFIX + "labels.fields", labels);
        }
        try (FakeLoki loki = FakeLoki.start()) {
            options.put("loki.url", loki.url());
            try (Pipeline pipeline = Pipeline.start(PipelineSettings.load(dataDir, null, options), Pipeline.Progress.silent())) {
                HttpClient http = HttpClient.newHttpClient();
                int accepted = 0;
                for (String line : Files.readAllLines(hooks, StandardCharsets.UTF_8)) {
                    JsonNode payload = JSON.readTree(line).path("payload");
                    HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(pipeline.collectorUrl() + "/v1/hooks"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(payload.toString())).build(),
                            HttpResponse.BodyHandlers.discarding());
                    accepted += answer.statusCode() == 200 ? 1 : 0;
                }
                awaitSettled(loki, accepted);
                print(loki, accepted);
            }
        }
        return 0;
    }

    /**
     * Until every event is in Loki and nothing more has arrived for a few seconds (alerts and session activity follow
     * their events), or the deadline. Polling with a sleep: the stand-in has no change notification.
     */
    private static void awaitSettled(FakeLoki loki, int events) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        int seen = -1;
        Instant changed = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            int size = loki.size();
            if (size != seen) {
                seen = size;
                changed = Instant.now();
            } else if (loki.entries(Map.of("kind", "event")).size() >= events && changed.isBefore(Instant.now().minus(QUIET))) {
                return;
            }
            Thread.sleep(500); // the stand-in has no change notification: poll until its count stops moving
        }
    }

    private void print(FakeLoki loki, int accepted) {
        Map<SortedMap<String, String>, Long> byStream = loki.entries().stream()
                .collect(Collectors.groupingBy(FakeLoki.Entry::labels, Collectors.counting()));
        Set<String> labelNames = new TreeSet<>();
        byStream.keySet().forEach(set -> labelNames.addAll(set.keySet()));
        Map<String, Long> streamsByKind = new TreeMap<>(byStream.keySet().stream().collect(Collectors.groupingBy(set -> set.get("kind"), Collectors.counting())));
        Map<String, Long> entriesByKind = new TreeMap<>(loki.entries().stream().collect(Collectors.groupingBy(e -> e.labels().get("kind"), Collectors.counting())));
        System.out.printf("Real hook payloads replayed: %,d accepted by the collector%n", accepted);
        System.out.printf("Loki entries: %,d %s%n", loki.entries().size(), entriesByKind);
        System.out.printf("Labels: %s (sink labels.fields %s)%n", labelNames, labels == null ? "default" : labels);
        System.out.printf("Streams: %,d %s%n", byStream.size(), streamsByKind);
    }
}
