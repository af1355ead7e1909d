package dev.agenttelemetry.collector.publish;

import dev.agenttelemetry.retry.RetryPolicy;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import dev.agenttelemetry.collector.spool.Spool;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
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
 * <p>No record is sent again while an earlier send of it may still succeed, nor after Kafka acknowledged it: the
 * replayer waits for the outcome of its batch (however long Kafka stays away) and, for an event spooled because
 * its direct send was slow, for that send's outcome; entries acknowledged behind a failed one are remembered and
 * not sent again with it. Only a collector that dies between an acknowledgement and the spool's record of it sends
 * an event twice; the event id lets consumers drop such a duplicate.
 */
public final class HookPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HookPublisher.class);
    private static final int REPLAY_BATCH = 500;
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** Where an accepted event went. */
    public enum Outcome { DELIVERED, SPOOLED }

    private final KafkaSender<HookEnvelope> sender;
    private final Spool spool;
    private final Duration ackTimeout;
    private final CollectorMetrics metrics;
    // send() serializes and compresses, and can block on metadata or a full buffer: never on the HTTP threads.
    // One thread per shard, a session always on the same shard, so each session's sends stay in order.
    private final ExecutorService[] sendThreads;
    private final Thread replayer;
    private final Semaphore replayWake = new Semaphore(0);
    /** Direct sends that were still in flight when their event was spooled, by event id. */
    private final Map<String, CompletableFuture<RecordMetadata>> inFlightDirect = new ConcurrentHashMap<>();
    /**
     * Event ids of spooled entries Kafka acknowledged behind one it did not: the spool commits only an acknowledged
     * prefix, so these are read again with the failed entry but not sent again (replayer thread only).
     */
    private final Set<String> acknowledgedAhead = new HashSet<>();
    private final Object modeLock = new Object();
    private boolean spooling; // guarded by modeLock
    private volatile boolean running = true;

    public HookPublisher(KafkaSender<HookEnvelope> sender, Spool spool, Duration ackTimeout, int sendThreads, CollectorMetrics metrics) {
        this.sender = sender;
        this.sendThreads = new ExecutorService[sendThreads];
        for (int i = 0; i < sendThreads; i++) {
            this.sendThreads[i] = Executors.newSingleThreadExecutor(r -> daemon(r, "collector-kafka-send"));
        }
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
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>(); // Kafka's outcome, however late
        long start = System.nanoTime();
        sendThreads[Math.floorMod(envelope.getSessionId().hashCode(), sendThreads.length)].execute(() -> {
            if (gaveUp.get()) {
                sent.completeExceptionally(new CancellationException("spooled before it was sent"));
                return;
            }
            sender.send(envelope).whenComplete((metadata, error) -> {
                if (error != null) {
                    sent.completeExceptionally(error);
                } else {
                    metrics.produceLatency(System.nanoTime() - start);
                    sent.complete(metadata);
                }
            });
        });
        return sent.copy().orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((metadata, error) -> {
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
                if (!sent.isCompletedExceptionally()) {
                    inFlightDirect.put(envelope.getEventId(), sent); // may still succeed: the replayer waits for it
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
        RetryPolicy retry = RetryPolicy.of(RetryPolicy.FOREVER, MIN_BACKOFF, MAX_BACKOFF);
        int failedRounds = 0;
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
                    retry.await(retry.decide(++failedRounds, RetryPolicy.Outcome.RETRIABLE)); // Kafka still unavailable
                } else {
                    failedRounds = 0;
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

    /**
     * Sends the batch and waits for every outcome (as long as Kafka takes: a record is never sent twice while
     * its first send may still succeed, nor after it succeeded); returns how many entries from the batch's start
     * Kafka acknowledged.
     */
    private int sendInOrder(List<Spool.Entry> batch) throws InterruptedException {
        List<CompletableFuture<?>> acks = new ArrayList<>(batch.size());
        for (Spool.Entry entry : batch) {
            if (entry.envelope() == null || acknowledgedAhead.contains(entry.envelope().getEventId())) {
                acks.add(CompletableFuture.completedFuture(null)); // a quarantined corrupt record, or one already in Kafka
                continue;
            }
            CompletableFuture<RecordMetadata> direct = inFlightDirect.remove(entry.envelope().getEventId());
            acks.add(direct == null ? sender.send(entry.envelope())
                    : direct.handle((metadata, error) -> error == null ? CompletableFuture.completedFuture(metadata) : sender.send(entry.envelope()))
                            .thenCompose(f -> f));
        }
        // allOf completes once every send has an outcome, failed or not
        CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        while (!all.isDone()) {
            try {
                all.get(1, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                break; // all done, some failed: counted below
            } catch (TimeoutException e) {
                if (!running) {
                    return 0;
                }
            }
        }
        int acked = 0;
        while (acked < acks.size() && !acks.get(acked).isCompletedExceptionally()) {
            acked++;
        }
        // After an outage, records sent to several partitions may fail in part (those that waited longest expire
        // first): the acknowledged ones behind the first failure must not be sent again with it. The prefix is
        // committed by the caller and never read again.
        for (int i = 0; i < acks.size(); i++) {
            Spool.Entry entry = batch.get(i);
            if (entry.envelope() == null) {
                continue;
            }
            if (i < acked) {
                acknowledgedAhead.remove(entry.envelope().getEventId());
            } else if (acks.get(i).isDone() && !acks.get(i).isCompletedExceptionally()) {
                acknowledgedAhead.add(entry.envelope().getEventId());
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
        for (ExecutorService sendThread : sendThreads) {
            sendThread.shutdown();
        }
        sender.close();
        spool.close();
    }
}
