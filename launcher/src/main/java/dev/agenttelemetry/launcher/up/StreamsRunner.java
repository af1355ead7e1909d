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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one Kafka Streams application and keeps it running: a failed stream thread is replaced, unless threads keep
 * failing (more than {@value #MAX_FAILURES} within {@link #FAILURE_WINDOW}); then the application shuts down instead
 * of spinning on a poison record, and is started again, from its last commit, after a delay. Without the restart a
 * pipeline process would go on accepting hooks while one of its applications no longer processed them.
 */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);
    static final int MAX_FAILURES = 3;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);
    /** How long an application that shut down waits before it is started again. */
    public static final Duration RESTART_DELAY = Duration.ofMinutes(1);

    private final String name;
    private final Supplier<Topology> topology;
    private final Properties properties;
    private final Duration restartDelay;
    private final ScheduledExecutorService restarts;
    private final CountDownLatch firstRunning = new CountDownLatch(1);
    private volatile KafkaStreams streams;
    private volatile boolean closed;

    private StreamsRunner(String name, Supplier<Topology> topology, Map<String, Object> properties, Duration restartDelay) {
        this.name = name;
        this.topology = topology;
        this.properties = new Properties();
        this.properties.putAll(properties);
        this.restartDelay = restartDelay;
        this.restarts = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name + "-restarts");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the application and waits until it is RUNNING. */
    public static StreamsRunner start(String name, Supplier<Topology> topology, Map<String, Object> properties, Duration timeout)
            throws InterruptedException {
        return start(name, topology, properties, timeout, RESTART_DELAY);
    }

    /** As {@link #start(String, Supplier, Map, Duration)}, restarting a shut-down application after {@code restartDelay}. */
    public static StreamsRunner start(String name, Supplier<Topology> topology, Map<String, Object> properties, Duration timeout,
                                      Duration restartDelay) throws InterruptedException {
        StreamsRunner runner = new StreamsRunner(name, topology, properties, restartDelay);
        runner.streams = runner.newClient();
        runner.streams.start();
        if (!runner.firstRunning.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            KafkaStreams.State state = runner.streams.state();
            runner.close();
            throw new IllegalStateException(name + " did not reach RUNNING within " + timeout + " (state " + state + ")");
        }
        return runner;
    }

    private KafkaStreams newClient() {
        KafkaStreams client = new KafkaStreams(topology.get(), properties);
        Deque<Instant> failures = new ArrayDeque<>();
        client.setUncaughtExceptionHandler(error -> {
            synchronized (failures) {
                Instant now = Instant.now();
                failures.addLast(now);
                while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(FAILURE_WINDOW))) {
                    failures.removeFirst();
                }
                if (failures.size() > MAX_FAILURES) {
                    log.error("{}: {} stream-thread failures within {}; shutting down, to start again in {}", name, failures.size(),
                            FAILURE_WINDOW, restartDelay, error);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
            }
            log.error("{}: stream thread failed; replacing it", name, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        client.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                firstRunning.countDown();
            } else if (newState == KafkaStreams.State.ERROR && !closed) {
                scheduleRestart();
            }
        });
        return client;
    }

    private void scheduleRestart() {
        restarts.schedule(this::restart, restartDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart() {
        if (closed) {
            return;
        }
        streams.close(Duration.ofSeconds(30)); // its threads are gone; this releases the state directory
        try {
            KafkaStreams client = newClient();
            streams = client;
            client.start();
            log.warn("{}: started again after it had shut down", name);
        } catch (RuntimeException e) {
            log.error("{}: could not start again; trying again in {}", name, restartDelay, e);
            scheduleRestart();
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public String name() {
        return name;
    }

    /**
     * Leaves the consumer group on the way out: otherwise a restart waits for the old member's session to time out
     * (45 s) before it gets its partitions back.
     */
    @Override
    public synchronized void close() {
        closed = true;
        restarts.shutdownNow();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
