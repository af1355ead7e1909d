package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import dev.agenttelemetry.collector.publish.HookPublisher;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Takes one validated hook: stamps it and publishes it. Shared by the HTTP endpoints and the fallback file. */
public final class HookIntake {
    /** An accepted event: its id, and whether it went to Kafka or to the spool. */
    public record Accepted(String eventId, HookPublisher.Outcome outcome) {
    }

    private final EnvelopeFactory envelopes;
    private final HookPublisher publisher;
    private final CollectorMetrics metrics;

    public HookIntake(EnvelopeFactory envelopes, HookPublisher publisher, CollectorMetrics metrics) {
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    public CompletableFuture<Accepted> accept(HookRequest hook, String payload, String source, Instant receivedAt) {
        HookEnvelope envelope = envelopes.create(hook, payload, source, receivedAt);
        // Unknown events are counted together: a tag per name a client sends would grow without bound.
        String event = envelope.getKnownHookEvent() ? envelope.getHookEventName() : "other";
        return publisher.publish(envelope)
                .whenComplete((outcome, error) -> metrics.hook(event, error == null ? outcome.name().toLowerCase(java.util.Locale.ROOT) : "failed"))
                .thenApply(outcome -> new Accepted(envelope.getEventId(), outcome));
    }

    public boolean isSpooling() {
        return publisher.isSpooling();
    }
}
