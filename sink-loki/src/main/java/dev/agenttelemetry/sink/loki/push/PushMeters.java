package dev.agenttelemetry.sink.loki.push;

import dev.agenttelemetry.metrics.CounterFamily;
import dev.agenttelemetry.metrics.PrometheusEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;


/**
 * The Loki sink's meters, in Micrometer's global registry (rendered by the /metrics of the process that runs the
 * Connect worker): pushes by HTTP status, retries, entries dead-lettered by reason.
 */
public final class PushMeters {
    private static final CounterFamily PUSHES = CounterFamily.global("loki.pushes", "Push requests to Loki, by answer.", "status");
    private static final CounterFamily DEAD_LETTERED = CounterFamily.global("loki.entries.dead.lettered",
            "Records sent to the dead-letter topic, by reason.", "reason");
    private static final Counter RETRIES = Counter.builder("loki.push.retries").description("Pushes to Loki sent again after a 429, 5xx or I/O error.")
            .register(Metrics.globalRegistry);

    /** The worker's /metrics endpoint, opened by the first task that asks for one. */
    private static PrometheusEndpoint.Server endpoint;

    private PushMeters() {
    }

    /** Serves the worker's meters on this port unless a task of this worker already does. */
    public static synchronized void serve(int port) throws java.io.IOException {
        if (endpoint == null) {
            endpoint = PrometheusEndpoint.get().serve("0.0.0.0", port);
        }
    }

    /** @param status Loki's HTTP status, or {@code io_error} when it did not answer */
    static void pushed(String status) {
        PUSHES.increment(status);
    }

    static void retried() {
        RETRIES.increment();
    }

    /** @param reason {@code unconvertible} (the record could not become an entry) or {@code refused} (Loki would not store it) */
    public static void deadLettered(String reason) {
        DEAD_LETTERED.increment(reason);
    }
}
