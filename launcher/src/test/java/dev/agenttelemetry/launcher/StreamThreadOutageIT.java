package dev.agenttelemetry.launcher;

import dev.agenttelemetry.runtime.StreamsRunner;
import dev.agenttelemetry.testkit.CommittedValues;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream thread in a long Kafka outage: once the broker is gone, clients re-bootstrap and drop the cluster's
 * metadata, so the thread's next send waits for metadata until {@code max.block.ms} and fails, the task is marked
 * corrupt, and the flush or commit after it kills the thread. Here the send goes to a changelog the thread never
 * wrote to, held back until the broker is killed. Once the broker is back, the replacement thread must process again.
 */
class StreamThreadOutageIT {
    private static final CountDownLatch BLOCKED = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Test
    void applicationProcessesAgainAfterItsThreadDiedDuringAnOutage() throws Exception {
        // The producer gives up on the cold changelog's metadata after max.block.ms; the outage outlasts that and
        // the abort after it (another max.block.ms), as a Kafka away for minutes outlasts the default 60 s.
        Duration maxBlock = Duration.ofSeconds(10);
        Duration outage = DrillHooks.faultLength("drill.thread.outage", maxBlock.multipliedBy(3));
        KillableBroker kafka = KillableBroker.prepare("thread-outage-kafka-");
        String bootstrap = kafka.bootstrapServers();
        Process broker = kafka.start();
        StreamsRunner app = null;
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("in", 1, (short) 1), new NewTopic("out", 1, (short) 1))).all().get();
            }
            Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "application.id", "thread-outage",
                    "processing.guarantee", "exactly_once_v2", "state.dir", TestKafka.workDir("thread-outage-state-").toString(),
                    "commit.interval.ms", 100, "producer.max.block.ms", (int) maxBlock.toMillis());
            app = StreamsRunner.start("thread-outage", StreamThreadOutageIT::topology, props, Duration.ofSeconds(60));
            send(bootstrap, "before-1", "before-2");
            awaitOutput(bootstrap, 2, Duration.ofSeconds(60));

            send(bootstrap, "block");
            assertThat(BLOCKED.await(60, TimeUnit.SECONDS)).as("the stream thread reached the record that blocks it").isTrue();
            long killed = System.nanoTime();
            broker.destroyForcibly();
            assertThat(broker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            RELEASE.countDown(); // now the thread sends to the cold changelog while Kafka is away
            Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - killed) / 1_000_000)); // the outage lasts this long
            broker = kafka.start();
            System.out.printf("Kafka was away for %.1f s; app state %s%n", (System.nanoTime() - killed) / 1e9, app.state());
            send(bootstrap, "after-1", "after-2");

            List<String> out = awaitOutput(bootstrap, 5, Duration.ofSeconds(240));
            // "block-early" was output of the transaction the outage aborted: read_committed never sees it
            assertThat(out).as("every input processed once after the outage").containsExactly("before-1", "before-2", "block", "after-1", "after-2");
        } finally {
            if (app != null) {
                app.close();
            }
            broker.destroy();
            broker.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** in → out; the record "block" waits for the test's signal, then writes a store no other record writes. */
    private static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("cold"), Serdes.String(), Serdes.String()).withCachingDisabled());
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new Processor<String, String, String, String>() {
                    private ProcessorContext<String, String> context;
                    private KeyValueStore<String, String> cold;

                    @Override
                    public void init(ProcessorContext<String, String> context) {
                        this.context = context;
                        this.cold = context.getStateStore("cold");
                    }

                    @Override
                    public void process(Record<String, String> record) {
                        if (record.value().equals("block") && RELEASE.getCount() > 0) {
                            BLOCKED.countDown();
                            try {
                                RELEASE.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            // output of the open transaction that Kafka never acknowledges, as in a busy enricher
                            context.forward(record.withValue("block-early"));
                            cold.put(record.key(), record.value());
                        }
                        context.forward(record);
                    }
                }, "cold")
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static void send(String bootstrap, String... values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>("in", value, value)).get();
            }
        }
    }

    /** What the output topic holds once it holds {@code expected} values (or more: duplicates). */
    private static List<String> awaitOutput(String bootstrap, int expected, Duration timeout) throws InterruptedException {
        await(expected + " values on the output").dontCatchUncaughtExceptions().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).until(() -> CommittedValues.of(bootstrap, "out").size() >= expected);
        return CommittedValues.of(bootstrap, "out");
    }
}
