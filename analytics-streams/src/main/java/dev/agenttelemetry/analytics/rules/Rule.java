package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.AgentEvent;

import java.util.Optional;

/** A security rule over single events. */
public interface Rule {
    Optional<Violation> evaluate(AgentEvent event);
}
