package dev.agenttelemetry.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.config.StreamsDefaults;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.runtime.ConsumerLag;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.topics.TopicSpec;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code agent-telemetry bench pipeline}: the whole pipeline end to end, hook to alert and hook to Loki, then at
 * saturation. The pipeline runs as {@code agent-telemetry up} in a JVM of its own, as users run it, so its
 * resident memory is measured alone; the load generator, the alert consumer and the Loki stand-in run here.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Starts `agent-telemetry up` (embedded broker and registry, collector, enricher, analytics, a Connect worker",
                "with the Loki sink pushing to a Loki stand-in in this JVM) in a JVM of its own. Then: hooks at a fixed rate (one",
                "in 20 a destructive command in a session of its own) with hook -> alert and hook -> Loki latency; hooks as fast",
                "as the collector takes them, with the rate at which enriched events come out, next to a pass-through Kafka",
                "Streams topology over the same raw records; and the resident memory of the pipeline's JVM (now and at peak)."},
        footer = {"", "Example:", "  agent-telemetry bench pipeline --rate 1000 --duration 20"})
public final class PipelineBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds at the fixed rate before the timed run, to leave the transient after the drained warm-up out of the figures. */
    static final int LEAD_IN_SECONDS = 10;
    /** Session id prefix of the timed alerting hooks (a number follows: the hook's index in the run). */
    private static final String LATENCY_SESSIONS = "latency-";

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000", description = "Hooks per second in the latency run (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "20", description = "Seconds of each run (default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "180",
            description = {"Longest unmeasured warm-up: hooks at the rate in 10 s slices until the pipeline JVM's JIT compiler takes under",
                    "a tenth of a core, then until their backlog is processed; 0 for none (default: ${DEFAULT-VALUE})."})
    int warmup;

    @Option(names = "--jvm-options", paramLabel = "OPTIONS", defaultValue = UpProcess.DEFAULT_JVM_OPTIONS,
            description = "JVM options of the pipeline's JVM (default: \"${DEFAULT-VALUE}\", as ./agent-telemetry up).")
    String jvmOptions;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting for the pipeline, as in agent-telemetry.properties, e.g. --set analytics.streams.commit.interval.ms=500 (repeatable).")
    Map<String, String> pipelineSettings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (warmup < 0 || duration < 1 || rate < 1) {
            spec.commandLine().getErr().println("error: --warmup must be 0 or more, and --duration and --rate at least 1");
            return 2;
        }
        Path dir = Files.createTempDirectory("agent-telemetry-bench-");
        try (FakeLoki loki = FakeLoki.start()) {
            BenchEnvironment.progress("starting the pipeline: agent-telemetry up in a JVM of its own (" + jvmOptions + ")");
            try (UpProcess pipeline = UpProcess.start(dir.resolve("pipeline"), jvmOptions, upSettings(loki));
                 Admin admin = Admin.create(Map.of("bootstrap.servers", pipeline.bootstrapServers()))) {
                String kafka = pipeline.bootstrapServers();
                PipelineSettings settings = pipeline.settings();
                TopicCatalog topics = TopicCatalog.of(settings.topics(), new SchemaRegistryClient(pipeline.registryUrl()));
                // Alerting hooks too (in sessions of their own), so the alert paths are compiled before the measured run.
                List<byte[]> warmupBodies = bodies(2_000, "warmup-");
                JitWarmup.Result warmed = JitWarmup.run(Duration.ofSeconds(warmup), pipeline::compileSeconds,
                        () -> HttpLoad.run(URI.create(pipeline.collectorUrl() + "/v1/hooks"), warmupBodies, 16, rate, Duration.ofSeconds(10)));
                // A JVM fresh from start-up compiles for a minute and falls behind; measure from a processed backlog, not a growing one.
                BenchEnvironment.progress("waiting until the enricher and the analytics app have processed the warm-up hooks");
                long drainStart = System.nanoTime();
                while (backlog(admin, settings) > settings.topics().events().partitions()
                        && System.nanoTime() - drainStart < TimeUnit.MINUTES.toNanos(3)) {
                    Thread.sleep(500); // nothing announces a commit: poll the committed offsets, up to the 3-minute bound
                }
                double drained = (System.nanoTime() - drainStart) / 1e9;
                OptionalDouble compiledBefore = pipeline.compileSeconds();
                OptionalDouble cpuBefore = pipeline.cpuSeconds();
                double benchCpuBefore = CpuMeter.processCpuNanos() / 1e9;
                long latencyStart = System.nanoTime();
                int lokiBefore = loki.size();
                Latency latency = latency(pipeline, topics, loki, settings, admin);
                long latencyNanos = System.nanoTime() - latencyStart;
                String lokiRates = perSecondByKind(loki.entriesFrom(lokiBefore), latencyNanos);
                String compiling = jitShare(compiledBefore, pipeline.compileSeconds(), latencyNanos);
                String cpu = cpuShares(cpuBefore, pipeline.cpuSeconds(), CpuMeter.processCpuNanos() / 1e9 - benchCpuBefore, latencyNanos);
                long rssAtRate = pipeline.residentBytes();
                BenchEnvironment.progress("saturation: as fast as the collector takes hooks, " + duration + " s");
                long eventsBefore = endOffsets(admin, settings.topics().events().name());
                HttpLoad.Result load = HttpLoad.run(URI.create(pipeline.collectorUrl() + "/v1/hooks"), bodies(20_000, null), 32, 0,
                        Duration.ofSeconds(duration));
                long accepted = load.ok();
                long start = System.nanoTime() - load.elapsed().toNanos();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                // Events topic end offsets count transaction markers too (one per partition and commit): close enough over thousands.
                while (endOffsets(admin, settings.topics().events().name()) - eventsBefore < accepted && System.nanoTime() < deadline) {
                    Thread.sleep(200); // polling the events topic until the enricher caught up
                }
                double endToEnd = accepted / ((System.nanoTime() - start) / 1e9);
                long rssAfterSaturation = pipeline.residentBytes();
                long rssPeak = pipeline.peakResidentBytes();
                double passThrough = passThrough(admin, kafka, dir, settings.topics().raw());

                System.out.println("Pipeline benchmark: agent-telemetry up (embedded KRaft broker and registry, collector, enricher, analytics "
                        + "(exactly-once), Connect worker with the Loki sink to a stand-in) in its own JVM (" + jvmOptions + "); load from this JVM");
                System.out.printf("%s, at %,d hooks/s; its backlog processed %.1f s after; backlog when the measured load stopped: "
                        + "%,d records%n", warmed, rate, drained, latency.backlogAtEnd());
                System.out.println("CPU during the run at the rate: " + cpu);
                System.out.println("the pipeline JVM's JIT compiler during the run at the rate: " + compiling);
                printLatency("hook -> event", latency.event(), "enriched events, read committed");
                printLatency("event -> alert", latency.analyticsHop(), "alerts, from their enriched event seen here");
                printLatency("hook -> alert", latency.alert(), "alerts");
                System.out.println("seconds with an alert over 500 ms, worst hook -> event + event -> alert = hook -> alert (0 s: the timed run's start, "
                        + latency.start() + "; negative: the lead-in): "
                        + (latency.slowSeconds().isEmpty() ? "none" : String.join(", ", latency.slowSeconds())));
                printLatency("hook -> Loki ", latency.loki(), "entries");
                System.out.println("Loki entries per second during the run at the rate, by kind: " + lokiRates);
                System.out.printf("saturation: collector accepted %,.0f hooks/s; hook -> enriched event %,.0f events/s; pass-through topology "
                        + "%,.0f records/s%n", load.perSecond(), endToEnd, passThrough);
                System.out.printf("resident memory of the pipeline's JVM: %,d MiB after the run at %,d hooks/s, %,d MiB after saturation, "
                        + "%,d MiB at peak%n", rssAtRate >> 20, rate, rssAfterSaturation >> 20, rssPeak >> 20);
            }
        } finally {
            BenchEnvironment.delete(dir);
        }
        return 0;
    }

    /** What the pipeline sends on per hook: events, alerts and session activity, as the Loki sink forwards them. */
    private static String perSecondByKind(List<FakeLoki.Entry> entries, long nanos) {
        Map<String, Long> byKind = entries.stream().collect(Collectors.groupingBy(e -> e.labels().getOrDefault("kind", "none"), TreeMap::new, Collectors.counting()));
        return byKind.entrySet().stream().map(e -> String.format("%s %,.0f", e.getKey(), e.getValue() / (nanos / 1e9))).collect(Collectors.joining(", "));
    }

    private void printLatency(String path, Histogram latency, String what) {
        System.out.printf("%s at %,d hooks/s (%d %s): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", path, rate, latency.getTotalCount(), what,
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0);
    }

    /** The share of a core the pipeline JVM spent compiling over a run, so a run that competed with the JIT says so. */
    private static String jitShare(OptionalDouble before, OptionalDouble after, long runNanos) {
        OptionalDouble cores = coresUsed(before, after, runNanos);
        return cores.isEmpty() ? "unknown (jcmd could not read its counters)" : String.format("%.0f %% of a core", 100 * cores.getAsDouble());
    }

    /**
     * How much of the 2 cores each JVM took over a run at the fixed rate, and the pipeline's CPU per hook: a figure
     * that says whether the machine had room, steadier on a noisy VM than latency.
     */
    private String cpuShares(OptionalDouble before, OptionalDouble after, double benchSeconds, long runNanos) {
        String bench = String.format("this JVM (load, stand-in, alert consumer) %.0f %% of a core", 100 * benchSeconds / (runNanos / 1e9));
        OptionalDouble cores = coresUsed(before, after, runNanos);
        if (cores.isEmpty()) {
            return "pipeline JVM unknown (the OS does not report its CPU time); " + bench;
        }
        return String.format("pipeline JVM %.0f %% of a core (%.0f µs per hook); %s", 100 * cores.getAsDouble(), 1e6 * cores.getAsDouble() / rate, bench);
    }

    /** Cores' worth of a clock read in seconds before and after a run (CPU or compile time); empty if either read failed. */
    private static OptionalDouble coresUsed(OptionalDouble before, OptionalDouble after, long runNanos) {
        return before.isPresent() && after.isPresent()
                ? OptionalDouble.of((after.getAsDouble() - before.getAsDouble()) / (runNanos / 1e9)) : OptionalDouble.empty();
    }

    private Map<String, String> upSettings(FakeLoki loki) {
        Map<String, String> settings = new HashMap<>(pipelineSettings);
        settings.put("loki.url", loki.url());
        return settings;
    }

    /**
     * Hook to enriched event (the enricher's hop), enriched event to alert (the analytics app's), hook to alert (both)
     * and to Loki, for the alerting hooks; and the seconds with a slow alert, with each hop's worst, to set beside a GC log.
     */
    private record Latency(Histogram event, Histogram analyticsHop, Histogram alert, Histogram loki, Instant start, List<String> slowSeconds,
                           long backlogAtEnd) {
    }

    /**
     * The slowest of the alerting hooks received in one second, in ms, per path. Loki's is written by the watcher
     * thread, the others by the consumer loop; all are read after both have ended.
     */
    private static final class Slowest {
        long event;
        long analyticsHop;
        long alert;
        long loki;

        @Override
        public String toString() {
            return event + "+" + analyticsHop + "=" + alert + " ms (Loki " + loki + ")";
        }
    }

    /** Records the enricher and the analytics app have not processed yet (their input topics past their commits). */
    private static long backlog(Admin admin, PipelineSettings settings) throws Exception {
        return ConsumerLag.of(admin, EnricherConfig.DEFAULT_APPLICATION_ID, settings.topics().raw().name())
                + ConsumerLag.of(admin, AnalyticsConfig.DEFAULT_APPLICATION_ID, settings.topics().events().name());
    }

    /**
     * Hooks at the fixed rate; each destructive one timed to its enriched event and its alert (read committed) and to its event in Loki.
     * The first {@value #LEAD_IN_SECONDS} s are not timed: after the warm-up's backlog is drained the pipeline has idled for
     * seconds, and the first seconds back at the rate are a transient of their own (listed with negative seconds).
     */
    private Latency latency(UpProcess pipeline, TopicCatalog topics, FakeLoki loki, PipelineSettings settings, Admin admin) throws Exception {
        BenchEnvironment.progress("latency: " + rate + " hooks/s for " + LEAD_IN_SECONDS + " s (not timed), then " + duration + " s");
        int firstTimed = rate * LEAD_IN_SECONDS;
        Predicate<String> timed = session -> Integer.parseInt(session.substring(LATENCY_SESSIONS.length())) >= firstTimed;
        Histogram eventLatency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Histogram analyticsHop = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Histogram alertLatency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Map<Long, Slowest> slowestBySecond = new ConcurrentSkipListMap<>(); // second of the timed run (lead-in negative)
        AtomicLong loadStart = new AtomicLong(System.currentTimeMillis());
        LongFunction<Slowest> slowestOfSecond = receivedMillis -> slowestBySecond.computeIfAbsent(
                Math.floorDiv(receivedMillis - loadStart.get(), 1000) - LEAD_IN_SECONDS, second -> new Slowest());
        Histogram lokiLatency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        AtomicBoolean loading = new AtomicBoolean(true);
        Set<String> seenInLoki = new HashSet<>();
        Thread lokiWatcher = new Thread(() -> {
            int checked = 0;
            while (loading.get() || checked < loki.size()) {
                List<FakeLoki.Entry> entries = loki.entriesFrom(checked);
                long now = System.currentTimeMillis();
                for (FakeLoki.Entry entry : entries) {
                    String session = entry.metadata().getOrDefault("session_id", "");
                    if (session.startsWith(LATENCY_SESSIONS) && "event".equals(entry.labels().get("kind")) && seenInLoki.add(session)) {
                        try {
                            long received = Instant.parse(JSON.readTree(entry.line()).path("received_at").asText()).toEpochMilli(); // ISO-8601, as every line
                            if (timed.test(session)) {
                                lokiLatency.recordValue(Math.max(1, (now - received) * 1000));
                            }
                            Slowest slowest = slowestOfSecond.apply(received);
                            slowest.loki = Math.max(slowest.loki, now - received);
                        } catch (Exception e) {
                            throw new IllegalStateException("unreadable line in Loki", e);
                        }
                    }
                }
                checked += entries.size();
                try {
                    Thread.sleep(20); // polling the stand-in for new entries
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "loki-watcher");
        lokiWatcher.start();
        AtomicLong backlogAtEnd = new AtomicLong(-1);
        try (KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", pipeline.bootstrapServers(),
                "isolation.level", "read_committed", "group.id", "bench-pipeline-latency", "auto.offset.reset", "latest"),
                topics.alerts().keySerde().deserializer(), topics.alerts().valueSerde().deserializer());
             // Values as bytes: only the alerting sessions' events are decoded, so this JVM takes less CPU from the pipeline's.
             KafkaConsumer<String, byte[]> events = new KafkaConsumer<>(Map.of("bootstrap.servers", pipeline.bootstrapServers(),
                "isolation.level", "read_committed", "group.id", "bench-pipeline-events", "auto.offset.reset", "latest"),
                topics.events().keySerde().deserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.alerts().name()));
            events.subscribe(List.of(topics.events().name()));
            while (consumer.assignment().isEmpty() || events.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
                events.poll(Duration.ofMillis(100));
            }
            Thread load = new Thread(() -> {
                try {
                    HttpLoad.run(URI.create(pipeline.collectorUrl() + "/v1/hooks"), bodies(rate * (LEAD_IN_SECONDS + duration), LATENCY_SESSIONS), 16, rate,
                            Duration.ofSeconds(LEAD_IN_SECONDS + duration));
                    backlogAtEnd.set(backlog(admin, settings));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot read the applications' backlog", e);
                }
            });
            loadStart.set(System.currentTimeMillis());
            load.start();
            long expected = IntStream.range(firstTimed, rate * (LEAD_IN_SECONDS + duration)).filter(i -> i % 20 == 0).count();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LEAD_IN_SECONDS + duration + 60L);
            Set<String> alerted = new HashSet<>();
            Map<String, Long> enrichedAt = new HashMap<>();
            Deserializer<AgentEvent> eventDecoder = topics.events().valueSerde().deserializer();
            while ((load.isAlive() || alertLatency.getTotalCount() < expected) && System.nanoTime() < deadline) {
                // Both consumers in turn, each waiting at most 5 ms: the figures' resolution.
                for (ConsumerRecord<String, byte[]> record : events.poll(Duration.ofMillis(5))) {
                    if (record.key().startsWith(LATENCY_SESSIONS) && !enrichedAt.containsKey(record.key())) {
                        long now = System.currentTimeMillis();
                        enrichedAt.put(record.key(), now);
                        AgentEvent event = eventDecoder.deserialize(record.topic(), record.value());
                        long millis = now - event.getReceivedAt().toEpochMilli();
                        if (timed.test(record.key())) {
                            eventLatency.recordValue(Math.max(1, millis * 1000));
                        }
                        Slowest slowest = slowestOfSecond.apply(event.getReceivedAt().toEpochMilli());
                        slowest.event = Math.max(slowest.event, millis);
                    }
                }
                for (ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(5))) {
                    long now = System.currentTimeMillis();
                    SecurityAlert alert = record.value();
                    if (record.key().startsWith(LATENCY_SESSIONS) && alert.getRuleId().equals("destructive_command") && alerted.add(record.key())) {
                        long millis = now - alert.getFirstSeen().toEpochMilli();
                        long hop = now - enrichedAt.getOrDefault(record.key(), now);
                        if (timed.test(record.key())) {
                            alertLatency.recordValue(Math.max(1, millis * 1000));
                            analyticsHop.recordValue(Math.max(1, hop * 1000));
                        }
                        Slowest slowest = slowestOfSecond.apply(alert.getFirstSeen().toEpochMilli());
                        slowest.analyticsHop = Math.max(slowest.analyticsHop, hop);
                        slowest.alert = Math.max(slowest.alert, millis);
                    }
                }
            }
            load.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lokiLatency.getTotalCount() < alertLatency.getTotalCount() && System.nanoTime() < deadline) {
            Thread.sleep(100); // waiting for the sink to deliver the last entries
        }
        loading.set(false);
        lokiWatcher.join(5_000);
        List<String> slowSeconds = slowestBySecond.entrySet().stream().filter(e -> e.getValue().alert > 500)
                .map(e -> e.getKey() + "s: " + e.getValue()).toList();
        return new Latency(eventLatency, analyticsHop, alertLatency, lokiLatency, Instant.ofEpochMilli(loadStart.get() + 1000L * LEAD_IN_SECONDS), slowSeconds, backlogAtEnd.get());
    }

    /** Hook bodies; with {@code alertingSessions}, one in 20 a {@code rm -rf /} in a session of its own named with that prefix. */
    private static List<byte[]> bodies(int count, String alertingSessions) {
        List<byte[]> payloads = Payloads.generate(Math.min(count, 2_000), 100, 23);
        List<byte[]> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (alertingSessions != null && i % 20 == 0) {
                bodies.add(("{\"session_id\":\"" + alertingSessions + i + "\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\",\"tool_name\":\"Bash\","
                        + "\"tool_use_id\":\"toolu_lat_" + i + "\",\"tool_input\":{\"command\":\"rm -rf /\"}}").getBytes(StandardCharsets.UTF_8));
            } else {
                bodies.add(payloads.get(i % payloads.size()));
            }
        }
        return bodies;
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    /**
     * The same raw records through a byte-level pass-through topology: the limit of exactly-once Streams here. It runs
     * twice, each time a fresh application over every record, and the second is reported: this JVM has not run Streams
     * before, and the pipeline's own JVM has compiled its code during the warm-up.
     */
    private static double passThrough(Admin admin, String kafka, Path dir, TopicSpec raw) throws Exception {
        TopicSpec out = new TopicSpec("bench.pipeline.passthrough", raw.partitions(), (short) 1, Duration.ofHours(1), raw.maxMessageBytes());
        TopicProvisioner.ensure(admin, List.of(out), Duration.ofSeconds(30));
        long records = endOffsets(admin, raw.name());
        double rate = 0;
        for (int round = 1; round <= 2; round++) {
            rate = StreamsRun.measure("pass-through over the raw topic, round " + round, StreamsRun.passThrough(raw.name(), out.name()),
                    StreamsDefaults.properties("bench-pipeline-passthrough-" + round, KafkaAccess.plaintext(kafka), dir.resolve("passthrough-state"), Map.of()),
                    kafka, records).recordsPerSecond();
        }
        return rate;
    }

}
