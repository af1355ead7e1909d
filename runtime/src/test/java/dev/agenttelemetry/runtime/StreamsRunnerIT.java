package dev.agenttelemetry.runtime;

import dev.agenttelemetry.testkit.CommittedValues;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the real broker: an application whose threads keep failing shuts down, and the runner starts it again; an
 * application that stalls is restarted.
 */
class StreamsRunnerIT {
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();
    private static final AtomicBoolean STALLED = new AtomicBoolean();
    private static final CountDownLatch STALL_ENDS = new CountDownLatch(1);

    @Test
    void applicationThatShutDownAfterRepeatedFailuresIsStartedAgain() throws Exception {
        String bootstrap = TestKafka.bootstrapServers();
        // a failed thread does not leave the group: its replacement waits for the old member's session to end
        App app = App.create("runner", Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 2000));
        String in = app.in();
        String out = app.out();
        try (StreamsRunner runner = StreamsRunner.start("runner", () -> topology(in, out), app.props(), Duration.ofSeconds(60), Duration.ofSeconds(1));
             KafkaProducer<String, String> producer = producer()) {
            for (String value : List.of("before", "poison", "after")) {
                producer.send(new ProducerRecord<>(in, value, value)).get();
            }

            await("the three records processed").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).until(() -> CommittedValues.of(bootstrap, out).size() >= 3);
            assertThat(CommittedValues.of(bootstrap, out)).as("each record once, in order, the poison one after the restart")
                    .containsExactly("before", "poison", "after");
            assertThat(ATTEMPTS.get()).as("one failure beyond the replaced threads' limit shut the application down, then it went on")
                    .isEqualTo(StreamsRunner.MAX_FAILURES + 2);
            assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void applicationThatStallsIsRestarted() throws Exception {
        String bootstrap = TestKafka.bootstrapServers();
        // the stuck thread's consumer leaves the group once it has not polled for this long
        App app = App.create("stall", Map.of("max.poll.interval.ms", 10_000, "session.timeout.ms", 6000, "heartbeat.interval.ms", 2000));
        String in = app.in();
        String out = app.out();
        try (StreamsRunner runner = StreamsRunner.start("stall", () -> stallingTopology(in, out), app.props(), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(5));
             KafkaProducer<String, String> producer = producer()) {
            List<String> sent = new ArrayList<>(List.of("before", "stall"));
            for (String value : sent) {
                producer.send(new ProducerRecord<>(in, value, value)).get();
            }
            await("the first thread stuck").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(STALLED::get);
            for (int i = 1; i <= 5; i++) {
                Thread.sleep(1_000); // new input over several of the watch's looks (every 1.25 s), as in a live pipeline
                String value = "after-" + i;
                sent.add(value);
                producer.send(new ProducerRecord<>(in, value, value)).get();
            }

            // The first thread never gets past "stall": only a new client (in a fresh state directory, since the stuck
            // thread keeps the first one locked) processes it and what follows.
            await("every record processed").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(150)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).until(() -> CommittedValues.of(bootstrap, out).size() >= sent.size());
            assertThat(CommittedValues.of(bootstrap, out)).as("each record once, in order").containsExactlyElementsOf(sent);
            assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);

            STALL_ENDS.countDown(); // the stuck thread goes on, into a transaction that can no longer commit
            Thread.sleep(3_000); // an absence has no event to wait for: give a wrong commit the time it would take
            assertThat(CommittedValues.of(bootstrap, out)).as("still each record once").containsExactlyElementsOf(sent);
        } finally {
            STALL_ENDS.countDown();
        }
    }

    /** An exactly-once application's input and output topics (created, one partition each) and settings. */
    private record App(String in, String out, Map<String, Object> props) {
        static App create(String name, Map<String, Object> groupSettings) throws Exception {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            App app = new App(name + "-in-" + suffix, name + "-out-" + suffix, new HashMap<>(groupSettings));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(app.in, 1, (short) 1), new NewTopic(app.out, 1, (short) 1))).all().get();
            }
            app.props.putAll(Map.of("bootstrap.servers", TestKafka.bootstrapServers(), "application.id", name + "-" + suffix,
                    "processing.guarantee", "exactly_once_v2", "commit.interval.ms", 100,
                    "state.dir", TestKafka.workDir(name + "-state-").toString()));
            return app;
        }
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()), new StringSerializer(), new StringSerializer());
    }

    /** in → out; the first thread to see "stall" blocks until the test ends. */
    private static Topology stallingTopology(String in, String out) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .peek((key, value) -> {
                    if (value.equals("stall") && STALLED.compareAndSet(false, true)) {
                        try {
                            STALL_ENDS.await(5, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .to(out, Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    /** in → out; the record "poison" fails the stream thread until one attempt more than the runner replaces. */
    private static Topology topology(String in, String out) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .peek((key, value) -> {
                    if (value.equals("poison") && ATTEMPTS.incrementAndGet() <= StreamsRunner.MAX_FAILURES + 1) {
                        throw new IllegalStateException("poison, attempt " + ATTEMPTS.get());
                    }
                })
                .to(out, Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }
}
