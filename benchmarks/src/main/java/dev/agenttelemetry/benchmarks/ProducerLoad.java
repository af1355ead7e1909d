package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.avro.HookEnvelope;
import org.HdrHistogram.Histogram;
import dev.agenttelemetry.collector.publish.KafkaSender;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The limit the collector is measured against: the same producer, with the same settings, sending the same
 * envelopes to the same topic, without HTTP in front.
 */
final class ProducerLoad {
    private ProducerLoad() {
    }

    /** @param rate records per second, or 0 for as fast as the producer takes them; latency from due time to ack */
    static HttpLoad.Result run(KafkaSender<HookEnvelope> producer, List<HookEnvelope> envelopes, int rate, Duration duration)
            throws InterruptedException {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        java.util.ArrayDeque<java.util.concurrent.CompletableFuture<?>> in = new java.util.ArrayDeque<>();
        while (System.nanoTime() < end) {
            long due = rate == 0 ? System.nanoTime() : start + (long) (sent * 1e9 / rate);
            if (rate > 0) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            HookEnvelope envelope = envelopes.get((int) (sent++ % envelopes.size()));
            in.add(producer.send(envelope).whenComplete((metadata, error) -> {
                if (error == null) {
                    ok.incrementAndGet();
                    synchronized (latency) {
                        latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(1, (System.nanoTime() - due) / 1_000)));
                    }
                } else {
                    failed.incrementAndGet();
                }
            }));
            if (in.size() >= 10_000) {
                in.poll().join(); // bound what is outstanding; the producer's buffer does the rest
            }
        }
        in.forEach(java.util.concurrent.CompletableFuture::join);
        return new HttpLoad.Result(ok.get(), failed.get(), 0, Duration.ofNanos(System.nanoTime() - start), latency, 0);
    }
}
