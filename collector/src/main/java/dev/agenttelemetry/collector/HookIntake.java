package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
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

    public HookIntake(EnvelopeFactory envelopes, HookPublisher publisher) {
        this.envelopes = envelopes;
        this.publisher = publisher;
    }

    public CompletableFuture<Accepted> accept(HookRequest hook, String payload, String source, Instant receivedAt) {
        HookEnvelope envelope = envelopes.create(hook, payload, source, receivedAt);
        return publisher.publish(envelope).thenApply(outcome -> new Accepted(envelope.getEventId(), outcome));
    }

    public boolean isSpooling() {
        return publisher.isSpooling();
    }
}
