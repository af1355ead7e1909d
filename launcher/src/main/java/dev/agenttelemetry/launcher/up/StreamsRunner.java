package dev.agenttelemetry.launcher.up;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Kafka Streams application: a failed stream thread is replaced, unless threads keep failing
 * (more than {@value #MAX_FAILURES} within {@link #FAILURE_WINDOW}), then the application shuts down
 * instead of spinning on a poison record.
 */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);
    static final int MAX_FAILURES = 3;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);

    private final String name;
    private final KafkaStreams streams;

    private StreamsRunner(String name, KafkaStreams streams) {
        this.name = name;
        this.streams = streams;
    }

    /** Starts the application and waits until it is RUNNING. */
    public static StreamsRunner start(String name, Topology topology, Map<String, Object> properties, Duration timeout)
            throws InterruptedException {
        Properties props = new Properties();
        props.putAll(properties);
        KafkaStreams streams = new KafkaStreams(topology, props);
        Deque<Instant> failures = new ArrayDeque<>();
        streams.setUncaughtExceptionHandler(error -> {
            synchronized (failures) {
                Instant now = Instant.now();
                failures.addLast(now);
                while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(FAILURE_WINDOW))) {
                    failures.removeFirst();
                }
                if (failures.size() > MAX_FAILURES) {
                    log.error("{}: {} stream-thread failures within {}; shutting down", name, failures.size(), FAILURE_WINDOW, error);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
            }
            log.error("{}: stream thread failed; replacing it", name, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            KafkaStreams.State state = streams.state();
            streams.close(Duration.ofSeconds(10));
            throw new IllegalStateException(name + " did not reach RUNNING within " + timeout + " (state " + state + ")");
        }
        return new StreamsRunner(name, streams);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public String name() {
        return name;
    }

    /**
     * Leaves the consumer group on the way out: otherwise a restart waits for the old member's session
     * to time out (45 s) before it gets its partitions back.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
