package dev.agenttelemetry.enricher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enricher's own meters, in Micrometer's global registry (the process's /metrics renders it): events enriched
 * by type, masks by kind, records dead-lettered by reason.
 */
public final class EnricherMeters {
    private static final Map<String, Counter> EVENTS = new ConcurrentHashMap<>();
    private static final Map<String, Counter> MASKS = new ConcurrentHashMap<>();
    private static final Map<String, Counter> DEAD_LETTERS = new ConcurrentHashMap<>();

    private EnricherMeters() {
    }

    public static void enriched(String eventType) {
        EVENTS.computeIfAbsent(eventType, type -> Counter.builder("enricher.events").description("Events enriched, by event type.")
                .tag("event_type", type).register(Metrics.globalRegistry)).increment();
    }

    public static void masked(String kind) {
        MASKS.computeIfAbsent(kind, k -> Counter.builder("enricher.masks").description("Values masked, by kind.")
                .tag("kind", k).register(Metrics.globalRegistry)).increment();
    }

    public static void deadLettered(String reason) {
        DEAD_LETTERS.computeIfAbsent(reason, r -> Counter.builder("enricher.dead.letters").description("Raw records sent to the dead-letter topic, by reason.")
                .tag("reason", r).register(Metrics.globalRegistry)).increment();
    }
}
