package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.serde.ConfluentAvroSerializer;
import dev.agenttelemetry.sink.loki.LokiSinkTask;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code agent-telemetry bench loki}: lines per second one sink task pushes, with realistic event records, to the
 * Loki stand-in without limits and with Loki's default ingestion limit (4 MB/s, burst 6 MB), checking that every
 * record arrives; or to a real Loki with {@code --loki-url}.
 */
@Command(name = "loki", mixinStandardHelpOptions = true,
        description = {"Feeds one Loki sink task (the connector's own code, outside a Connect worker) batches of 500 realistic",
                "event records, as Connect would after each poll, and measures the lines per second pushed until Loki has",
                "acknowledged all of them, redelivering after retriable failures as Connect does. Without --loki-url it runs",
                "twice against the Loki stand-in: without limits, then with Loki's default ingestion limit of 4 MB/s."},
        footer = {"", "Examples:", "  agent-telemetry bench loki", "  agent-telemetry bench loki --records 50000 --loki-url http://127.0.0.1:3100"})
public final class LokiBenchmark implements Callable<Integer> {
    private static final TopicPartition PARTITION = new TopicPartition("agent.events", 0);

    @Option(names = "--records", paramLabel = "N", defaultValue = "100000", description = "Records per run (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--loki-url", paramLabel = "URL", description = "A real Loki to push to instead of the stand-in (one run, its limits).")
    String lokiUrl;

    @Option(names = "--payload-bytes", paramLabel = "N", description = "Every record with a payload of this size instead of realistic sizes (median 2.1 KB, p99 32 KB).")
    Integer payloadBytes;

    @Option(names = "--encoding", paramLabel = "protobuf|json", defaultValue = "protobuf", description = "Push encoding (default: ${DEFAULT-VALUE}).")
    String encoding;

    @Override
    public Integer call() throws Exception {
        try (BenchEnvironment env = BenchEnvironment.start()) {
            BenchEnvironment.progress("preparing " + records + " records");
            List<byte[]> payloads = payloadBytes == null ? Payloads.generate(2_000, 200, 17)
                    : List.of(("{\"tool_input\":{\"command\":\"" + "x".repeat(Math.max(0, payloadBytes - 30)) + "\"}}").getBytes(StandardCharsets.UTF_8));
            ConfluentAvroSerializer<AgentEvent> serializer = new ConfluentAvroSerializer<>(new SchemaRegistryClient(env.registry.url()), false);
            long base = System.currentTimeMillis();
            List<SinkRecord> input = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                String payload = new String(payloads.get(i % payloads.size()), StandardCharsets.UTF_8);
                AgentEvent event = AgentEvent.newBuilder().setEventId("e" + i).setReceivedAt(Instant.ofEpochMilli(base + i / 20))
                        .setSessionId("bench-session-" + (i % 50)).setHookEventName(i % 2 == 0 ? "PreToolUse" : "PostToolUse")
                        .setEventType(i % 3 == 0 ? EventType.file_read : EventType.command_execution).setToolName(i % 3 == 0 ? "Read" : "Bash")
                        .setProjectName("project-" + (i % 4)).setPayload(payload).setHash("h" + i).build();
                input.add(new SinkRecord(PARTITION.topic(), 0, null, event.getSessionId(), null, serializer.serialize(PARTITION.topic(), event),
                        i, base + i / 20, TimestampType.CREATE_TIME)); // 20 records per millisecond of event time
            }
            long bytes = input.stream().mapToLong(r -> ((byte[]) r.value()).length).sum();
            System.out.println("Loki sink benchmark: one task, " + records + " event records (" + bytes / records + " bytes Avro each on "
                    + "average), " + encoding + ", batches of 500");
            if (lokiUrl != null) {
                run("real Loki " + lokiUrl, input, lokiUrl, env.registry.url(), null);
            } else {
                try (FakeLoki loki = FakeLoki.start()) {
                    run("stand-in, no limits", input, loki.url(), env.registry.url(), loki);
                }
                try (FakeLoki loki = FakeLoki.start()) {
                    loki.limitRate(4L * 1024 * 1024);
                    run("stand-in, 4 MB/s limit", input, loki.url(), env.registry.url(), loki);
                }
            }
        }
        return 0;
    }

    private void run(String name, List<SinkRecord> input, String url, String registryUrl, FakeLoki loki) {
        BenchEnvironment.progress("pushing to " + name);
        Map<TopicPartition, Long> rewind = new HashMap<>();
        AtomicLong deadLettered = new AtomicLong();
        LokiSinkTask task = new LokiSinkTask();
        task.initialize(new Context(rewind, deadLettered));
        task.start(Map.of("loki.url", url, "schema.registry.url", registryUrl, "loki.encoding", encoding));
        long redeliveries = 0;
        long start = System.nanoTime();
        int next = 0;
        while (next < input.size()) {
            List<SinkRecord> batch = input.subList(next, Math.min(input.size(), next + 500));
            try {
                task.put(batch);
                next += batch.size();
            } catch (RetriableException e) {
                redeliveries++; // Connect keeps the batch and delivers it again, from the rewound offset when there is one
                next = (int) Math.min(next, rewind.getOrDefault(PARTITION, (long) next));
                rewind.clear();
            }
        }
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        while (committed.getOrDefault(PARTITION, new OffsetAndMetadata(0)).offset() < input.size()) {
            committed = task.preCommit(Map.of(PARTITION, new OffsetAndMetadata(input.size())));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long lineBytes = loki == null ? 0 : loki.entries().stream().mapToLong(entry -> entry.line().getBytes(StandardCharsets.UTF_8).length).sum();
        task.stop();
        String stored = loki == null ? "" : String.format(", %,d stored in Loki (%s), %,d requests", loki.size(),
                loki.size() == input.size() ? "all" : "MISSING " + (input.size() - loki.size()), loki.requests());
        System.out.printf("%-24s %,10.0f lines/s  %6.1f MB/s of lines  %d redeliveries, %d dead-lettered%s%n", name, input.size() / seconds,
                lineBytes / seconds / 1e6, redeliveries, deadLettered.get(), stored);
    }

    /** What a Connect worker offers a task, reduced to what the benchmark needs. */
    private record Context(Map<TopicPartition, Long> rewind, AtomicLong deadLettered) implements SinkTaskContext {
        public Map<String, String> configs() { return Map.of(); }
        public void offset(Map<TopicPartition, Long> offsets) { rewind.putAll(offsets); }
        public void offset(TopicPartition tp, long offset) { rewind.put(tp, offset); }
        public void timeout(long timeoutMs) { }
        public Set<TopicPartition> assignment() { return Set.of(PARTITION); }
        public void pause(TopicPartition... partitions) { }
        public void resume(TopicPartition... partitions) { }
        public void requestCommit() { }
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() { return null; }
        public ErrantRecordReporter errantRecordReporter() {
            return (record, error) -> {
                deadLettered.incrementAndGet();
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            };
        }
    }
}
