package dev.agenttelemetry.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.collector.http.NettyTransport;
import dev.agenttelemetry.collector.publish.KafkaSender;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import dev.agenttelemetry.launcher.hooks.HookSettings;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@code agent-telemetry bench collector}: hook endpoint throughput and latency next to a plain producer. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Measures the collector on a fresh embedded broker: latency at a fixed rate and throughput at",
                "saturation, side by side with the same producer sending the same records without HTTP (the limit),",
                "and the wall time of the SessionStart command hook next to a bare curl."},
        footer = {"", "Example:", "  agent-telemetry bench collector --duration 20 --rate 1000"})
public final class CollectorBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "15", description = "Length of each measured run (default: ${DEFAULT-VALUE}).")
    int durationSecs;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "180",
            description = {"Longest unmeasured warm-up before the runs: load in 10 s slices until the JIT compiler takes under a tenth",
                    "of a core, so compilation does not compete with the runs; 0 for none (default: ${DEFAULT-VALUE})."})
    int warmupSecs;

    @Option(names = "--rate", paramLabel = "EVENTS", defaultValue = "1000", description = "Events per second of the fixed-rate runs (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "512",
            description = {"HTTP connections at saturation (default: ${DEFAULT-VALUE}). Each waits for its answer, which waits for Kafka's",
                    "acknowledgement, so at most this many events are in flight: too few, and latency rather than CPU is the limit."})
    int connections;

    @Option(names = {"-P", "--producer-property"}, paramLabel = "KEY=VALUE", description = "A producer setting for both the collector and the plain producer, e.g. -P linger.ms=0.")
    Map<String, String> producerProperties = new java.util.HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (warmupSecs < 0 || durationSecs < 1 || rate < 1 || connections < 1) {
            spec.commandLine().getErr().println("error: --warmup must be 0 or more, and --duration, --rate and --connections at least 1");
            return 2;
        }
        PrintStream out = System.out;
        Duration duration = Duration.ofSeconds(durationSecs);
        try (BenchEnvironment env = BenchEnvironment.start()) {
            EmbeddedKafkaBroker broker = env.broker;
            EmbeddedSchemaRegistry registry = env.registry;
            Path dir = env.dir;
            TopicLayout layout = TopicLayout.from(new ConfigReader(Map.of("topic.raw.name", "bench.hooks.raw"), "bench"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                TopicProvisioner.ensure(admin, List.of(layout.raw(), layout.otlpLogs()), Duration.ofSeconds(30));
            }
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            List<byte[]> payloads = Payloads.generate(2_000, 50, 42);
            List<HookEnvelope> envelopes = envelopes(payloads);
            out.println("Collector benchmark: embedded KRaft broker (1 node), acks=all, idempotent, "
                    + producerProperties.getOrDefault("compression.type", KafkaSender.DEFAULT_COMPRESSION) + ", HTTP over " + NettyTransport.name() + "; "
                    + Runtime.getRuntime().availableProcessors() + " cores shared by broker, collector and load generator");
            out.println("Payloads: " + Payloads.describe(payloads) + "; " + rate + " events/s fixed rate, " + connections
                    + " connections at saturation, " + durationSecs + " s per run");
            out.println();
            Map<String, String> collectorSettings = new java.util.HashMap<>(Map.of("collector.port", "0"));
            producerProperties.forEach((k, v) -> collectorSettings.put("collector.producer." + k, v));
            if (!producerProperties.isEmpty()) {
                out.println("Producer settings for both: " + producerProperties);
            }
            try (Collector collector = Collector.start(CollectorConfig.from(new ConfigReader(collectorSettings, "bench"),
                    broker.bootstrapServers(), layout.raw().name(), dir), topics.raw(), topics.otlpLogs());
                 KafkaSender<HookEnvelope> producer = KafkaSender.create(KafkaAccess.plaintext(broker.bootstrapServers()), topics.raw(), producerProperties,
                         HookEnvelope::getSessionId, e -> e.getReceivedAt().toEpochMilli(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
                URI hooks = URI.create(collector.url() + "/v1/hooks");
                JitWarmup.Result warmup = JitWarmup.run(Duration.ofSeconds(warmupSecs), JitWarmup.thisJvm(), () -> {
                    ProducerLoad.run(producer, envelopes, 0, Duration.ofSeconds(5));
                    HttpLoad.run(hooks, payloads, connections, 0, Duration.ofSeconds(5));
                });

                List<String[]> rows = new ArrayList<>();
                BenchEnvironment.progress("plain producer at " + rate + "/s");
                rows.add(measured("plain producer, fixed rate", PRODUCER, () -> ProducerLoad.run(producer, envelopes, rate, duration)));
                BenchEnvironment.progress("collector at " + rate + "/s");
                rows.add(measured("collector, fixed rate", COLLECTOR, () -> HttpLoad.run(hooks, payloads, 16, rate, duration)));
                BenchEnvironment.progress("plain producer at saturation");
                rows.add(measured("plain producer, saturation", PRODUCER, () -> ProducerLoad.run(producer, envelopes, 0, duration)));
                BenchEnvironment.progress("collector at saturation");
                rows.add(measured("collector, saturation", COLLECTOR, () -> HttpLoad.run(hooks, payloads, connections, 0, duration)));
                out.printf("%-28s %12s %9s %9s %9s %9s %8s   %s%n", "run", "events/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "failed",
                        "CPU µs/event: measured / load generator / broker, GC and the rest");
                rows.forEach(r -> out.printf("%-28s %12s %9s %9s %9s %9s %8s   %s%n", (Object[]) r));
                out.println("(" + warmup + ")");
            }
            out.println();
            sessionStartHook(out, payloads.get(0));
        }
        return 0;
    }

    /** The SessionStart command hook against a server that answers at once, next to a bare curl of the same payload. */
    private static void sessionStartHook(PrintStream out, byte[] payload) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/hooks", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/hooks";
            String ours = HookSettings.sessionStartCommand(new HookSettings.Target(url, 2, Optional.empty(), Path.of("/nonexistent/fallback.ndjson")));
            String bare = "curl -s -X POST -H 'Content-Type: application/json' --data-binary @- " + url + " >/dev/null";
            BenchEnvironment.progress("SessionStart command hook vs bare curl (40 runs each)");
            double[] bareMs = timeShell(bare, payload, 40);
            double[] oursMs = timeShell(ours, payload, 40);
            out.printf("SessionStart command hook: p50 %.1f ms, p90 %.1f ms; bare curl: p50 %.1f ms, p90 %.1f ms; difference at p50 %.1f ms%n",
                    percentile(oursMs, 0.5), percentile(oursMs, 0.9), percentile(bareMs, 0.5), percentile(bareMs, 0.9),
                    percentile(oursMs, 0.5) - percentile(bareMs, 0.5));
        } finally {
            server.stop(0);
        }
    }

    private static double[] timeShell(String command, byte[] stdin, int runs) throws Exception {
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            process.getOutputStream().write(stdin);
            process.getOutputStream().close();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    // Threads told apart by name. The plain producer's own work runs on the thread calling send() (main) and
    // on its network thread; the collector's on its HTTP, send and producer threads.
    private static final Predicate<String> PRODUCER = name -> name.equals("main") || name.startsWith("kafka-producer-network-thread | agent-telemetry-collector");
    private static final Predicate<String> COLLECTOR = name -> name.startsWith("collector-") || name.startsWith("kafka-producer-network-thread | agent-telemetry-collector");

    private interface Run {
        HttpLoad.Result run() throws InterruptedException;
    }

    private static String[] measured(String name, Predicate<String> measured, Run run) throws InterruptedException {
        CpuMeter cpu = CpuMeter.start(measured);
        HttpLoad.Result result = run.run();
        CpuMeter.Split split = cpu.stop(result.generatorCpuNanos());
        Histogram h = result.latency();
        return new String[]{name, String.format("%,.0f", result.perSecond()), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), result.failed() + (result.spooled() > 0 ? " (" + result.spooled() + " spooled)" : ""),
                split.perEvent(result.ok())};
    }

    private static String ms(long micros) {
        return String.format("%.2f", micros / 1000.0);
    }

    private static List<HookEnvelope> envelopes(List<byte[]> payloads) {
        List<HookEnvelope> envelopes = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            String json = new String(payloads.get(i), StandardCharsets.UTF_8);
            String session = json.substring(json.indexOf("bench-session-"), json.indexOf('"', json.indexOf("bench-session-")));
            envelopes.add(HookEnvelope.newBuilder().setEventId("bench-" + i).setReceivedAt(Instant.now()).setHookEventName("PostToolUse")
                    .setSessionId(session).setCwd("/home/dev/shop").setPayload(json).build());
        }
        return envelopes;
    }

}
