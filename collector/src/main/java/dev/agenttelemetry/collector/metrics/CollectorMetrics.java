package dev.agenttelemetry.collector.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The collector's counters, rendered in the Prometheus text format on {@code GET /metrics}. */
public final class CollectorMetrics {
    /** Upper bounds of the produce-latency histogram, in seconds. */
    private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requestBytes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejections = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BUCKETS.length + 1];
    private final LongAdder latencyCount = new LongAdder();
    private final AtomicLong latencySumNanos = new AtomicLong();
    private final LongAdder spooled = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    public CollectorMetrics() {
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    public void request(String endpoint, int status, long bytes) {
        requests.computeIfAbsent("endpoint=\"" + endpoint + "\",status=\"" + status + "\"", k -> new LongAdder()).increment();
        requestBytes.computeIfAbsent("endpoint=\"" + endpoint + "\"", k -> new LongAdder()).add(bytes);
    }

    public void rejected(String reason) {
        rejections.computeIfAbsent("reason=\"" + reason + "\"", k -> new LongAdder()).increment();
    }

    public void produceLatency(long nanos) {
        double seconds = nanos / 1e9;
        int bucket = 0;
        while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]) {
            bucket++;
        }
        latencyBuckets[bucket].increment();
        latencyCount.increment();
        latencySumNanos.addAndGet(nanos);
    }

    public void spooled() {
        spooled.increment();
    }

    public void replayed(long count) {
        replayed.add(count);
    }

    /** A value read when the metrics are rendered (e.g. spool depth). */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    public String render() {
        StringBuilder out = new StringBuilder(2048);
        family(out, "collector_requests_total", "counter", "HTTP requests by endpoint and status.", requests);
        family(out, "collector_request_bytes_total", "counter", "Request body bytes by endpoint.", requestBytes);
        family(out, "collector_rejections_total", "counter", "Requests or events refused, by reason.", rejections);
        out.append("# HELP collector_produce_latency_seconds Time from send to Kafka's acknowledgement.\n")
                .append("# TYPE collector_produce_latency_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            cumulative += latencyBuckets[i].sum();
            out.append("collector_produce_latency_seconds_bucket{le=\"").append(LATENCY_BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
        }
        cumulative += latencyBuckets[LATENCY_BUCKETS.length].sum();
        out.append("collector_produce_latency_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n')
                .append("collector_produce_latency_seconds_sum ").append(latencySumNanos.get() / 1e9).append('\n')
                .append("collector_produce_latency_seconds_count ").append(latencyCount.sum()).append('\n');
        simple(out, "collector_spooled_events_total", "counter", "Events written to the local spool because Kafka was down or slow.", spooled.sum());
        simple(out, "collector_replayed_events_total", "counter", "Spooled events replayed to Kafka.", replayed.sum());
        new TreeMap<>(gauges).forEach((name, value) -> simple(out, name, "gauge", name.replace('_', ' ') + ".", value.getAsLong()));
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String type, String help, Map<String, LongAdder> series) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        new TreeMap<>(series).forEach((labels, value) -> out.append(name).append('{').append(labels).append("} ").append(value.sum()).append('\n'));
    }

    private static void simple(StringBuilder out, String name, String type, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value).append('\n');
    }
}
