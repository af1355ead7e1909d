package dev.agenttelemetry.runtime;

import dev.agenttelemetry.metrics.KafkaMeters;
import dev.agenttelemetry.topics.Replication;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>With a stall timeout it also watches the application's progress: when new records have kept arriving on its
 * input for that long while Kafka answered, and its committed offsets have not moved (nor any state been restored),
 * it is closed and started again. A stream thread that does not stop keeps the state directory locked; the
 * application then goes on in a fresh one, its state restored from the changelogs.
 */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);
    static final int MAX_FAILURES = 3;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);
    /** How long an application that shut down waits before it is started again. */
    public static final Duration RESTART_DELAY = Duration.ofMinutes(1);
    /** How long new records may keep arriving on an application's input while its committed offsets do not move. */
    public static final Duration STALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Supplier<Topology> topology;
    private final Properties properties;
    private final Duration restartDelay;
    private final ScheduledExecutorService restarts;
    private final CountDownLatch firstRunning = new CountDownLatch(1);
    private volatile KafkaStreams streams;
    /** The running client's Kafka Streams metrics in the process's registry; moved to each new client. */
    private KafkaMeters meters;
    private volatile boolean closed;
    private final Path stateDir;
    private int freshStateDirs;
    private InputLagProbe lagProbe; // these two with a stall timeout only
    private StallDetector stalls;

    private StreamsRunner(String name, Supplier<Topology> topology, Map<String, Object> properties, Duration restartDelay) {
        this.name = name;
        this.topology = topology;
        this.properties = new Properties();
        this.properties.putAll(properties);
        Object stateDir = properties.get(StreamsConfig.STATE_DIR_CONFIG);
        this.stateDir = stateDir != null ? Path.of(stateDir.toString()) : Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams");
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
        return start(name, topology, properties, timeout, restartDelay, Duration.ZERO);
    }

    /**
     * As {@link #start(String, Supplier, Map, Duration, Duration)}, and restarting the application when it stalls for
     * {@code stallTimeout} (zero: never).
     */
    public static StreamsRunner start(String name, Supplier<Topology> topology, Map<String, Object> properties, Duration timeout,
                                      Duration restartDelay, Duration stallTimeout) throws InterruptedException {
        StreamsRunner runner = new StreamsRunner(name, topology, Replication.forStreams(properties), restartDelay);
        if (!stallTimeout.isZero() && !stallTimeout.isNegative()) {
            runner.watchForStalls(stallTimeout);
        }
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
        if (stalls != null) {
            client.setGlobalStateRestoreListener(new StateRestoreListener() {
                @Override
                public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
                    stalls.restored();
                }

                @Override
                public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
                    stalls.restored();
                }

                @Override
                public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                    stalls.restored();
                }
            });
        }
        if (meters != null) {
            meters.close();
        }
        meters = KafkaMeters.Streams.of(client, name);
        client.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                firstRunning.countDown();
            } else if (newState == KafkaStreams.State.ERROR && !closed) {
                scheduleRestart();
            }
        });
        return client;
    }

    private void watchForStalls(Duration stallTimeout) {
        lagProbe = new InputLagProbe(name, properties, topology.get());
        stalls = new StallDetector(stallTimeout);
        long periodMillis = Math.max(1_000, Math.min(30_000, stallTimeout.toMillis() / 4));
        restarts.scheduleWithFixedDelay(() -> {
            try {
                Optional<StallDetector.InputLag> lag = lagProbe.read();
                if (!closed && stalls.stalled(lag, Instant.now())) {
                    log.error("{}: new records have waited on its input for {} s and its offsets have not moved ({} records waiting, "
                            + "state {}); restarting it", name, stallTimeout.toSeconds(), lag.get().waiting(), streams.state());
                    restart();
                }
            } catch (RuntimeException e) {
                log.error("{}: stall check failed", name, e); // an exception would end the periodic check
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void scheduleRestart() {
        restarts.schedule(this::restart, restartDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart() {
        if (closed) {
            return;
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            // A thread that does not stop keeps the state directory locked.
            Path fresh = stateDir.resolve("restarted-" + ++freshStateDirs);
            log.error("{}: did not close within {} s; starting again with state in {} (restored from the changelogs)", name,
                    CLOSE_TIMEOUT.toSeconds(), fresh);
            properties.put(StreamsConfig.STATE_DIR_CONFIG, fresh.toString());
        }
        try {
            KafkaStreams client = newClient();
            streams = client;
            client.start();
            log.warn("{}: started again", name);
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
        if (lagProbe != null) {
            lagProbe.close();
        }
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        meters.close();
    }
}
