package dev.agenttelemetry.benchmarks;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/** Times a Kafka Streams application over a bounded input: from RUNNING until its group has committed every input record. */
final class StreamsRun implements AutoCloseable {
    final KafkaStreams streams;
    private final String applicationId;
    private final String kafka;

    private StreamsRun(KafkaStreams streams, String applicationId, String kafka) {
        this.streams = streams;
        this.applicationId = applicationId;
        this.kafka = kafka;
    }

    /** Starts the application and waits until it is RUNNING (start-up and the group join are not throughput). */
    static StreamsRun start(String name, Topology topology, Map<String, Object> properties, String kafka) throws InterruptedException {
        BenchEnvironment.progress("running " + name);
        Properties props = new Properties();
        props.putAll(properties);
        KafkaStreams streams = new KafkaStreams(topology, props);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        running.await();
        return new StreamsRun(streams, String.valueOf(properties.get("application.id")), kafka);
    }

    /** Bytes in, bytes out: what exactly-once Streams costs on this broker without any processing. */
    static Topology passThrough(String input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    /**
     * Throughput, and CPU per record: of the application's threads (stream threads and their producers' network
     * threads), and of the rest of this process (the broker, garbage collection, JIT). On a shared VM whose speed
     * varies by the hour, the application's CPU per record is the steadier figure.
     */
    record Measured(double recordsPerSecond, double appMicrosPerRecord, double restMicrosPerRecord, double jitMicrosPerRecord,
                    Map<String, Double> threadTime) {
        @Override
        public String toString() {
            StringBuilder split = new StringBuilder();
            threadTime.forEach((phase, ratio) -> split.append(split.isEmpty() ? "" : ", ").append(String.format("%s %.0f %%", phase, 100 * ratio)));
            return String.format("%,12.0f events/s, CPU %.1f µs/event in the app's threads, %.1f µs/event elsewhere (the JIT compiler %.1f);"
                    + " stream thread time: %s", recordsPerSecond, appMicrosPerRecord, restMicrosPerRecord, jitMicrosPerRecord, split);
        }
    }

    /** Starts the application, times it over {@code expected} input records and closes it again. */
    static Measured measure(String name, Topology topology, Map<String, Object> properties, String kafka, long expected) throws Exception {
        try (StreamsRun run = start(name, topology, properties, kafka)) {
            return run.throughput(expected);
        }
    }

    /** Until the application's committed offsets cover {@code expected} input records. */
    Measured throughput(long expected) throws Exception {
        long start = System.nanoTime();
        CpuMeter cpu = CpuMeter.start(thread -> thread.contains(applicationId));
        long compilingMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            while (committed(admin) < expected) {
                Thread.sleep(50); // polling committed offsets; Streams has no completion signal for a bounded input
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuMeter.Split used = cpu.stop(0);
        double jitMicros = (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compilingMillis) * 1e3;
        return new Measured(expected / seconds, used.underTestNanos() / 1e3 / expected, used.restNanos() / 1e3 / expected,
                jitMicros / expected, threadTime());
    }

    /** How the stream threads spent their time (Kafka Streams' thread-level ratios, averaged over the threads). */
    private Map<String, Double> threadTime() {
        Map<String, Double> split = new LinkedHashMap<>();
        for (String phase : List.of("process", "commit", "poll", "punctuate")) {
            split.put(phase, streams.metrics().values().stream()
                    .filter(metric -> metric.metricName().group().equals("stream-thread-metrics") && metric.metricName().name().equals(phase + "-ratio"))
                    .mapToDouble(metric -> ((Number) metric.metricValue()).doubleValue()).filter(Double::isFinite).average().orElse(Double.NaN));
        }
        return split;
    }

    private long committed(Admin admin) throws Exception {
        Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
