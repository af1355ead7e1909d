package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.Severity;

/** A rule matching an event: the rule, the severity of the match, and the (already masked) evidence. */
public record Violation(RuleDefinition rule, Severity severity, String evidence) {
}
