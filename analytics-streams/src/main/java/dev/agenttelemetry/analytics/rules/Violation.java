package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.Severity;

/** One rule matching one event: what it was and the (already masked) evidence. */
public record Violation(String ruleId, String title, Severity severity, String evidence) {
}
