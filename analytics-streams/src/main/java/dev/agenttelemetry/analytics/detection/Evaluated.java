package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;

import java.util.List;

/**
 * An event with what the rules made of it: the alerts to publish now and the severities of the violations
 * it caused. Never leaves the sub-topology (no repartition), so it needs no serde.
 */
public record Evaluated(AgentEvent event, List<SecurityAlert> alerts, List<Severity> violations) {
}
