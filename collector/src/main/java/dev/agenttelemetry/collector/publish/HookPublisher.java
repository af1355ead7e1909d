package dev.agenttelemetry.collector.publish;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import dev.agenttelemetry.collector.spool.Spool;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets every accepted hook into Kafka, or onto the local spool when Kafka cannot take it in time.
 *
 * <p>Normally an event is sent and the agent is answered on Kafka's acknowledgement. When that does not
 * come within {@code ackTimeout} (Kafka down or slow), the event is appended to the spool instead, and
 * every later event goes straight to the spool, behind it, so each session's order is kept. A replayer
 * thread sends the spool to Kafka in order, committing its position only after acknowledgements; when it
 * has drained the spool, events go direct again. The spool survives restarts, so a collector killed with
 * a non-empty spool replays it when it starts.
 *
 * <p>An event whose acknowledgement arrives after it was spooled is remembered and skipped at replay; if
 * the collector dies in between, the replay sends it again: the event id lets consumers drop the duplicate.
 */
public final class HookPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HookPublisher.class);
    private static final int REPLAY_BATCH = 500;
    private static final Duration REPLAY_ACK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** Where an accepted event went. */
    public enum Outcome { DELIVERED, SPOOLED }

    private final KafkaSender sender;
    private final Spool spool;
    private final Duration ackTimeout;
    private final CollectorMetrics metrics;
    // send() can block on metadata or a full buffer: never on the HTTP threads.
    private final ExecutorService sendThread = Executors.newSingleThreadExecutor(r -> daemon(r, "collector-kafka-send"));
    private final Thread replayer;
    private final Semaphore replayWake = new Semaphore(0);
    private final Set<String> deliveredLate = ConcurrentHashMap.newKeySet();
    private final Object modeLock = new Object();
    private boolean spooling; // guarded by modeLock
    private volatile boolean running = true;

    public HookPublisher(KafkaSender sender, Spool spool, Duration ackTimeout, CollectorMetrics metrics) {
        this.sender = sender;
        this.spool = spool;
        this.ackTimeout = ackTimeout;
        this.metrics = metrics;
        this.spooling = spool.pendingEntries() > 0;
        metrics.gauge("collector_spool_pending_events", spool::pendingEntries);
        metrics.gauge("collector_spool_bytes", spool::bytesOnDisk);
        metrics.gauge("collector_spooling", () -> isSpooling() ? 1 : 0);
        this.replayer = daemon(this::replayLoop, "collector-spool-replayer");
        this.replayer.start();
    }

    /** True while events go to the spool because Kafka was unavailable (readiness reports it). */
    public boolean isSpooling() {
        synchronized (modeLock) {
            return spooling;
        }
    }

    /** Completes when the event is in Kafka or on the spool; exceptionally only when neither could take it. */
    public CompletableFuture<Outcome> publish(HookEnvelope envelope) {
        synchronized (modeLock) {
            if (spooling) {
                return toSpool(envelope);
            }
        }
        AtomicBoolean gaveUp = new AtomicBoolean();
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        long start = System.nanoTime();
        sendThread.execute(() -> {
            if (gaveUp.get()) {
                return; // already spooled while this waited: the replayer sends it
            }
            sender.send(envelope).whenComplete((metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                    return;
                }
                metrics.produceLatency(System.nanoTime() - start);
                if (!acked.complete(metadata)) {
                    deliveredLate.add(envelope.getEventId());
                }
            });
        });
        return acked.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((metadata, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(Outcome.DELIVERED);
            }
            gaveUp.set(true);
            synchronized (modeLock) {
                if (!spooling) {
                    spooling = true;
                    log.warn("Kafka did not acknowledge event {} within {} ms ({}); spooling events locally until it is back",
                            envelope.getEventId(), ackTimeout.toMillis(), rootCause(error));
                }
                return toSpool(envelope);
            }
        }).thenCompose(outcome -> outcome);
    }

    private CompletableFuture<Outcome> toSpool(HookEnvelope envelope) {
        CompletableFuture<Outcome> spooled = spool.append(envelope).thenApply(v -> {
            metrics.spooled();
            return Outcome.SPOOLED;
        });
        replayWake.release();
        return spooled;
    }

    private void replayLoop() {
        Duration backoff = MIN_BACKOFF;
        while (running) {
            try {
                if (spool.pendingEntries() == 0) {
                    leaveSpoolingIfDrained();
                    replayWake.tryAcquire(1, TimeUnit.SECONDS);
                    replayWake.drainPermits();
                    continue;
                }
                Spool.Position from = spool.replayedPosition();
                List<Spool.Entry> batch = spool.read(from, REPLAY_BATCH);
                if (batch.isEmpty()) {
                    replayWake.tryAcquire(50, TimeUnit.MILLISECONDS); // appended but not yet written
                    continue;
                }
                int acked = sendInOrder(batch);
                if (acked > 0) {
                    spool.commit(batch.get(acked - 1).next(), acked);
                    metrics.replayed(acked);
                }
                if (acked < batch.size()) {
                    Thread.sleep(backoff.toMillis()); // Kafka still unavailable: back off before trying again
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                } else {
                    backoff = MIN_BACKOFF;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                log.error("Spool replay failed; retrying", e);
                try {
                    Thread.sleep(MAX_BACKOFF.toMillis()); // a broken spool file will not heal at once
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Sends the batch and returns how many entries from its start Kafka acknowledged. */
    private int sendInOrder(List<Spool.Entry> batch) throws InterruptedException {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (Spool.Entry entry : batch) {
            acks.add(entry.envelope() == null || deliveredLate.remove(entry.envelope().getEventId())
                    ? CompletableFuture.completedFuture(null)
                    : sender.send(entry.envelope()));
        }
        long deadline = System.nanoTime() + REPLAY_ACK_TIMEOUT.toNanos();
        int acked = 0;
        for (CompletableFuture<RecordMetadata> ack : acks) {
            try {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                acked++;
            } catch (ExecutionException | TimeoutException e) {
                log.debug("Replay stopped at {} of {}: {}", acked, batch.size(), rootCause(e));
                break;
            }
        }
        return acked;
    }

    private void leaveSpoolingIfDrained() {
        synchronized (modeLock) {
            if (spooling && spool.pendingEntries() == 0) {
                spooling = false;
                log.info("Kafka is back and the spool is drained; sending events directly again");
            }
        }
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        running = false;
        replayer.interrupt();
        try {
            replayer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sendThread.shutdown();
        sender.close();
        spool.close();
    }
}
