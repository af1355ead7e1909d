package dev.agenttelemetry.launcher.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.time.Duration;
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

    /** Starts the application, times it over {@code expected} input records and closes it again. */
    static double measure(String name, Topology topology, Map<String, Object> properties, String kafka, long expected) throws Exception {
        try (StreamsRun run = start(name, topology, properties, kafka)) {
            return run.throughput(expected);
        }
    }

    /** Records per second until the application's committed offsets cover {@code expected} input records. */
    double throughput(long expected) throws Exception {
        long start = System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            while (committed(admin) < expected) {
                Thread.sleep(50); // polling committed offsets; Streams has no completion signal for a bounded input
            }
        }
        return expected / ((System.nanoTime() - start) / 1e9);
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
