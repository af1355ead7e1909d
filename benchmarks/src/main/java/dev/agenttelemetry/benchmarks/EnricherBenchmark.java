package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.publish.KafkaSender;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.config.StreamsDefaults;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.enricher.EnricherTopology;
import dev.agenttelemetry.enricher.masking.Masker;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code agent-telemetry bench enricher}: enricher throughput next to a pass-through topology on the same broker. */
@Command(name = "enricher", mixinStandardHelpOptions = true,
        description = {"Loads realistic hook envelopes onto a raw topic of a fresh embedded broker, then measures how fast",
                "a pass-through Kafka Streams topology (bytes in, bytes out: the exactly-once limit here) and the enricher",
                "(decode, mask, classify, pair, chain, encode) each process all of them, exactly-once, one stream thread.",
                "They take turns for a number of rounds, each round a fresh application over the whole input: the first runs",
                "while the JIT compiler still takes a core, so the last round is the figure."},
        footer = {"", "Example:", "  agent-telemetry bench enricher --events 50000"})
public final class EnricherBenchmark implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "30000", description = "Envelopes to process (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "4", description = "Rounds of both runs; the last is reported (default: ${DEFAULT-VALUE}: the JIT compiler is still busy with the enricher in the second).")
    int rounds;

    @Option(names = "--payload-bytes", paramLabel = "N", description = "Every payload about this size instead of realistic sizes (median 2.2 KB, p99 64 KB), e.g. to compare with small-record figures.")
    Integer payloadBytes;

    @Option(names = "-S", paramLabel = "KEY=VALUE", description = "A Kafka Streams setting for both runs, e.g. -S producer.compression.type=zstd (repeatable).")
    Map<String, String> streamsSettings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            spec.commandLine().getErr().println("error: --rounds must be at least 1");
            return 2;
        }
        if (payloadBytes != null && payloadBytes < 1) {
            spec.commandLine().getErr().println("error: --payload-bytes must be at least 1");
            return 2;
        }
        try (BenchEnvironment env = BenchEnvironment.start()) {
            Path dir = env.dir;
            EmbeddedSchemaRegistry registry = env.registry;
            String kafka = env.broker.bootstrapServers();
            TopicLayout layout = TopicLayout.defaults();
            TopicSpec passThroughOut = new TopicSpec("bench.passthrough", layout.events().partitions(), (short) 1, Duration.ofHours(1),
                    layout.events().maxMessageBytes());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
                TopicProvisioner.ensure(admin, List.of(layout.raw(), layout.events(), layout.dlq(), passThroughOut), Duration.ofSeconds(30));
            }
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            List<byte[]> payloads = payloadBytes == null ? Payloads.generate(2_000, 200, 11) : Payloads.ofSize(2_000, 200, 11, payloadBytes);
            BenchEnvironment.progress("loading " + events + " envelopes");
            // Compressed as the collector writes the raw topic, so the applications decompress what they would in the pipeline.
            try (KafkaProducer<String, HookEnvelope> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka, "linger.ms", 20,
                    "batch.size", 256 * 1024, "compression.type", KafkaSender.DEFAULT_COMPRESSION), topics.raw().keySerde().serializer(),
                    topics.raw().valueSerde().serializer())) {
                for (int i = 0; i < events; i++) {
                    String json = new String(payloads.get(i % payloads.size()), StandardCharsets.UTF_8);
                    String session = json.substring(json.indexOf("bench-session-"), json.indexOf('"', json.indexOf("bench-session-")));
                    HookEnvelope envelope = HookEnvelope.newBuilder().setEventId("e" + i).setReceivedAt(Instant.now())
                            .setHookEventName(i % 2 == 0 ? "PreToolUse" : "PostToolUse").setSessionId(session).setCwd("/home/dev/shop")
                            .setPayload(json.replace("\"toolu_" + i + "\"", "\"toolu_" + (i / 2) + "\"")).build();
                    producer.send(new ProducerRecord<>(layout.raw().name(), session, envelope));
                }
                producer.flush();
            }
            Map<String, String> settings = new HashMap<>();
            streamsSettings.forEach((key, value) -> settings.put("enricher.streams." + key, value));
            EnricherConfig config = EnricherConfig.from(new ConfigReader(settings, "bench"), kafka, dir.resolve("state"), layout.dlq().name());
            Masker masker = Masker.create(config.masking());
            StreamsRun.Measured passThrough = null;
            StreamsRun.Measured enricher = null;
            for (int round = 1; round <= rounds; round++) {
                passThrough = StreamsRun.measure("pass-through, round " + round, StreamsRun.passThrough(layout.raw().name(), passThroughOut.name()),
                        StreamsDefaults.properties("bench-passthrough-" + round, KafkaAccess.plaintext(kafka), dir.resolve("state"), streamsSettings),
                        kafka, events);
                Map<String, Object> enricherProps = config.streamsProperties();
                enricherProps.put("application.id", "bench-enricher-" + round);
                enricher = StreamsRun.measure("enricher, round " + round, EnricherTopology.build(topics.raw(), topics.events(),
                        config.eventEnricher(masker), config.chainTtl(), config.pairingGap()), enricherProps, kafka, events);
                BenchEnvironment.progress(String.format("round %d: pass-through %,.0f events/s, enricher %,.0f events/s", round,
                        passThrough.recordsPerSecond(), enricher.recordsPerSecond()));
            }
            System.out.println("Enricher benchmark: embedded KRaft broker, exactly_once_v2, "
                    + config.streamsProperties().getOrDefault("num.stream.threads", "1") + " stream thread(s), " + events + " envelopes ("
                    + Payloads.describe(payloads) + "), round " + rounds + " of " + rounds
                    + (streamsSettings.isEmpty() ? "" : ", Streams settings " + streamsSettings));
            System.out.printf("%-14s %s%n%-14s %s (%.0f %% of pass-through)%n", "pass-through", passThrough, "enricher", enricher,
                    100 * enricher.recordsPerSecond() / passThrough.recordsPerSecond());
        }
        return 0;
    }
}
