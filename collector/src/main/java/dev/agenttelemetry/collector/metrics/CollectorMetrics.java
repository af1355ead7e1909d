package dev.agenttelemetry.collector.metrics;

import dev.agenttelemetry.metrics.CounterFamily;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The collector's meters, in a Micrometer registry that {@code GET /metrics} renders in the Prometheus text
 * format: requests, bytes and rejections, produce latency, the spool.
 */
public final class CollectorMetrics {
    private final PrometheusMeterRegistry registry;
    private final CounterFamily requests;
    private final CounterFamily requestBytes;
    private final CounterFamily rejections;
    private final CounterFamily hooks;
    private final Timer produceLatency;
    private final Counter spooled;
    private final Counter replayed;

    /** @param registry where the meters live; in {@code up} the process's registry, so /metrics shows every component */
    public CollectorMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        requests = new CounterFamily(registry, "collector.requests", "HTTP requests by endpoint and status.", "endpoint", "status");
        requestBytes = new CounterFamily(registry, "collector.request.bytes", "Request body bytes by endpoint.", "endpoint");
        rejections = new CounterFamily(registry, "collector.rejections", "Requests or events refused, by reason.", "reason");
        hooks = new CounterFamily(registry, "collector.hooks", "Hooks taken, by hook event and outcome.", "hook_event", "outcome");
        produceLatency = Timer.builder("collector.produce.latency").description("Time from send to Kafka's acknowledgement.")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(5))
                .register(registry);
        spooled = Counter.builder("collector.spooled.events").description("Events written to the local spool because Kafka was down or slow.")
                .register(registry);
        replayed = Counter.builder("collector.replayed.events").description("Spooled events replayed to Kafka.").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void request(String endpoint, int status, long bytes) {
        requests.increment(endpoint, Integer.toString(status));
        requestBytes.increment(bytes, endpoint);
    }

    /** A hook taken: its event (PreToolUse, ..., other) and where it went (delivered to Kafka, spooled, failed). */
    public void hook(String event, String outcome) {
        hooks.increment(event, outcome);
    }

    public void rejected(String reason) {
        rejections.increment(reason);
    }

    public void produceLatency(long nanos) {
        produceLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void spooled() {
        spooled.increment();
    }

    public void replayed(long count) {
        replayed.increment(count);
    }

    /** A value read when the metrics are rendered (e.g. spool depth); {@code collector_spool_bytes} style names. */
    public void gauge(String name, LongSupplier value) {
        Gauge.builder(name.replace('_', '.'), value, supplier -> supplier.getAsLong()).strongReference(true).register(registry);
    }

    public String render() {
        return registry.scrape();
    }
}
