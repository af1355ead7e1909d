package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.metrics.CounterFamily;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;


/**
 * The analytics app's meters, in Micrometer's global registry (the process's /metrics renders it): events the
 * rules evaluated, and alerts raised by rule and severity.
 */
final class DetectionMeters {
    private static final Counter EVALUATED = Counter.builder("analytics.rule.evaluations").description("Events the rules were evaluated on.")
            .register(Metrics.globalRegistry);
    private static final CounterFamily ALERTS = CounterFamily.global("analytics.alerts",
            "Alerts raised (or updated by a repeat), by rule and severity.", "rule", "severity");

    private DetectionMeters() {
    }

    static void evaluated(RuleEngine.Outcome outcome) {
        EVALUATED.increment();
        for (SecurityAlert alert : outcome.alerts()) {
            ALERTS.increment(alert.getRuleId(), alert.getSeverity().name());
        }
    }
}
