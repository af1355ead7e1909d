package dev.agenttelemetry.enricher;

import dev.agenttelemetry.metrics.CounterFamily;

/**
 * The enricher's own meters, in Micrometer's global registry (the process's /metrics renders it): events enriched
 * by type, masks by kind, records dead-lettered by reason.
 */
public final class EnricherMeters {
    private static final CounterFamily EVENTS = CounterFamily.global("enricher.events", "Events enriched, by event type.", "event_type");
    private static final CounterFamily MASKS = CounterFamily.global("enricher.masks", "Values masked, by kind.", "kind");
    private static final CounterFamily DEAD_LETTERS = CounterFamily.global("enricher.dead.letters",
            "Raw records sent to the dead-letter topic, by reason.", "reason");

    private EnricherMeters() {
    }

    public static void enriched(String eventType) {
        EVENTS.increment(eventType);
    }

    public static void masked(String kind) {
        MASKS.increment(kind);
    }

    public static void deadLettered(String reason) {
        DEAD_LETTERS.increment(reason);
    }
}
