package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.analytics.AnalyticsTopology;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.avro.PathRef;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.ToolOutcome;
import dev.agenttelemetry.avro.ToolPairing;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.config.StreamsDefaults;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.topics.TopicSpec;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** {@code agent-telemetry bench analytics}: analytics throughput next to a pass-through topology, and event → alert latency. */
@Command(name = "analytics", mixinStandardHelpOptions = true,
        description = {"Loads enriched events (a mix of shell commands, file operations and prompts, median ~2 KB) onto the events",
                "topic of a fresh embedded broker and measures how fast a pass-through topology and the analytics app (rules,",
                "minute and session windows, risk) consume them, exactly-once, one stream thread; then, with the analytics app",
                "running, posts events at a fixed rate and measures event -> alert latency (read_committed) for the alerting ones.",
                "The two take turns for a number of rounds, each round a fresh application over the whole input: the first runs",
                "while the JIT compiler still takes a core, so the last round is the figure."},
        footer = {"", "Example:", "  agent-telemetry bench analytics --events 50000 --rate 1000 --duration 20"})
public final class AnalyticsBenchmark implements Callable<Integer> {
    private static final String[] COMMANDS = {"mvn -q test", "git status", "git diff --stat", "ls -la src/main/java", "npm run build",
            "grep -rn TODO src", "cat pom.xml", "docker compose ps", "./gradlew check", "git log --oneline -20", "python3 -m pytest -q",
            "find . -name '*.java' | xargs wc -l", "git add -A && git commit -m 'wip'", "curl -s https://api.github.com/repos/o/r"};

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "100000", description = "Events for the throughput runs (default: ${DEFAULT-VALUE}; at 30k/s fewer make a run of under 2 s).")
    int events;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "2", description = "Rounds of both throughput runs; the last is reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000", description = "Events per second in the latency run (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "20", description = "Seconds of the latency run (default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "-S", paramLabel = "KEY=VALUE", description = "A Kafka Streams setting for both runs, e.g. -S producer.linger.ms=5 (repeatable).")
    Map<String, String> streamsSettings = new java.util.HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            spec.commandLine().getErr().println("error: --rounds must be at least 1");
            return 2;
        }
        try (BenchEnvironment env = BenchEnvironment.start()) {
            String kafka = env.broker.bootstrapServers();
            TopicLayout layout = TopicLayout.defaults();
            TopicSpec passThroughOut = new TopicSpec("bench.passthrough", layout.events().partitions(), (short) 1, Duration.ofHours(1),
                    layout.events().maxMessageBytes());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
                TopicProvisioner.ensure(admin, List.of(layout.events(), layout.alerts(), layout.sessions(), passThroughOut), Duration.ofSeconds(30));
            }
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(env.registry.url()));
            List<byte[]> payloads = Payloads.generate(2_000, 200, 13);
            BenchEnvironment.progress("loading " + events + " events");
            try (KafkaProducer<String, AgentEvent> producer = producer(kafka, topics, 20)) {
                for (int i = 0; i < events; i++) {
                    AgentEvent event = event(i, "bench-session-" + (i % 50), Instant.now(), payloads, COMMANDS[i % COMMANDS.length]);
                    producer.send(new ProducerRecord<>(layout.events().name(), event.getSessionId(), event));
                }
                producer.flush();
            }
            StreamsRun.Measured passThrough = null;
            StreamsRun.Measured analytics = null;
            Histogram latency = null;
            AnalyticsConfig config = null;
            for (int round = 1; round <= rounds; round++) {
                passThrough = StreamsRun.measure("pass-through, round " + round, StreamsRun.passThrough(layout.events().name(), passThroughOut.name()),
                        StreamsDefaults.properties("bench-passthrough-" + round, KafkaAccess.plaintext(kafka), env.dir.resolve("state"), streamsSettings),
                        kafka, events);
                Map<String, String> settings = new java.util.HashMap<>(Map.of("analytics.application.id", "bench-analytics-" + round));
                streamsSettings.forEach((key, value) -> settings.put("analytics.streams." + key, value));
                config = AnalyticsConfig.from(new ConfigReader(settings, "bench"), kafka, env.dir.resolve("state"));
                try (StreamsRun run = StreamsRun.start("analytics, round " + round, AnalyticsTopology.build(topics.events(), topics.alerts(),
                        topics.sessions(), config.rules(), config.sessionGap(), config.publishInterval()), config.streamsProperties(), kafka)) {
                    analytics = run.throughput(events);
                    BenchEnvironment.progress(String.format("round %d: pass-through %,.0f events/s, analytics %,.0f events/s", round,
                            passThrough.recordsPerSecond(), analytics.recordsPerSecond()));
                    if (round == rounds) {
                        latency = alertLatency(kafka, topics, layout, payloads);
                    }
                }
            }
            System.out.println("Analytics benchmark: embedded KRaft broker, exactly_once_v2, commit.interval.ms="
                    + config.streamsProperties().get("commit.interval.ms") + ", " + config.streamsProperties().getOrDefault("num.stream.threads", "1")
                    + " stream thread(s), "
                    + events + " events, " + config.rules().rules().size() + " rules, round " + rounds + " of " + rounds
                    + (streamsSettings.isEmpty() ? "" : ", Streams settings " + streamsSettings));
            System.out.printf("%-14s %s%n%-14s %s (%.0f %% of pass-through)%n", "pass-through", passThrough, "analytics", analytics,
                    100 * analytics.recordsPerSecond() / passThrough.recordsPerSecond());
            System.out.printf("event -> alert at %,d events/s (1 in 20 alerting, %d alerts): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    rate, latency.getTotalCount(), latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0);
        }
        return 0;
    }

    /** Posts events at the fixed rate, one in 20 a destructive command in a session of its own; times each alert's arrival. */
    private Histogram alertLatency(String kafka, TopicCatalog topics, TopicLayout layout, List<byte[]> payloads) throws Exception {
        BenchEnvironment.progress("latency: " + rate + " events/s for " + duration + " s");
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        long expected = (long) rate * duration / 20;
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producerThread = new Thread(() -> {
            try (KafkaProducer<String, AgentEvent> producer = producer(kafka, topics, 0)) {
                long start = System.nanoTime();
                for (long i = 0; i < (long) rate * duration; i++) {
                    LockSupport.parkNanos(start + (long) (i * 1e9 / rate) - System.nanoTime());
                    boolean alerting = i % 20 == 0;
                    String session = alerting ? "latency-" + i : "bench-session-" + (i % 50);
                    AgentEvent event = event((int) i + events, session, Instant.now(), payloads, alerting ? "rm -rf /" : COMMANDS[(int) (i % COMMANDS.length)]);
                    producer.send(new ProducerRecord<>(layout.events().name(), session, event));
                }
            } finally {
                producing.set(false);
            }
        }, "latency-producer");
        try (KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka,
                "isolation.level", "read_committed", "group.id", "bench-latency", "auto.offset.reset", "latest"),
                topics.alerts().keySerde().deserializer(), topics.alerts().valueSerde().deserializer())) {
            consumer.subscribe(List.of(layout.alerts().name()));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            producerThread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration + 30L);
            while (latency.getTotalCount() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(50))) {
                    long arrived = System.currentTimeMillis();
                    if (record.key().startsWith("latency-") && record.value().getCount() == 1) {
                        latency.recordValue(Math.max(1, (arrived - record.value().getFirstSeen().toEpochMilli()) * 1000));
                    }
                }
            }
        }
        producerThread.join();
        return latency;
    }

    /** Writes events compressed as the enricher would, with the Streams producer's codec (`-S producer.compression.type`). */
    private KafkaProducer<String, AgentEvent> producer(String kafka, TopicCatalog topics, int lingerMs) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka, "linger.ms", lingerMs, "batch.size", 256 * 1024,
                "compression.type", streamsSettings.getOrDefault("producer.compression.type", StreamsDefaults.COMPRESSION)),
                topics.events().keySerde().serializer(), topics.events().valueSerde().serializer());
    }

    /** An enriched event of a realistic mix: shell commands, file reads and edits, their results, prompts. */
    private static AgentEvent event(int i, String session, Instant at, List<byte[]> payloads, String command) {
        AgentEvent.Builder event = AgentEvent.newBuilder().setEventId("e" + i).setReceivedAt(at).setSource("claude-code")
                .setSessionId(session).setHookEventName("PreToolUse").setEventType(EventType.command_execution).setProjectName("shop")
                .setProjectRoot("/home/dev/shop").setCwd("/home/dev/shop").setUserId("user-" + (session.hashCode() & 7)).setHash("h" + i)
                .setPayload(new String(payloads.get(i % payloads.size()), StandardCharsets.UTF_8));
        switch (command.equals("rm -rf /") ? 0 : i % 5) {
            case 0, 1 -> event.setToolName("Bash").setCommand(command);
            case 2 -> event.setEventType(EventType.file_read).setToolName("Read").setFilePath("/home/dev/shop/src/F" + (i % 97) + ".java")
                    .setPaths(List.of(new PathRef("/home/dev/shop/src/F" + (i % 97) + ".java", PathClass.inside_project)));
            case 3 -> event.setHookEventName("PostToolUse").setToolName("Bash").setCommand(command)
                    .setPairing(new ToolPairing("e" + (i - 3), 20L + i % 3000, ToolOutcome.success, null));
            default -> event.setEventType(EventType.user_prompt).setHookEventName("UserPromptSubmit");
        }
        return event.build();
    }
}
