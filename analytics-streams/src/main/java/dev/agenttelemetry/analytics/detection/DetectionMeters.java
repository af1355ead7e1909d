package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.SecurityAlert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The analytics app's meters, in Micrometer's global registry (the process's /metrics renders it): events the
 * rules evaluated, and alerts raised by rule and severity.
 */
final class DetectionMeters {
    private static final Counter EVALUATED = Counter.builder("analytics.rule.evaluations").description("Events the rules were evaluated on.")
            .register(Metrics.globalRegistry);
    private static final Map<String, Counter> ALERTS = new ConcurrentHashMap<>();

    private DetectionMeters() {
    }

    static void evaluated(RuleEngine.Outcome outcome) {
        EVALUATED.increment();
        for (SecurityAlert alert : outcome.alerts()) {
            String severity = alert.getSeverity().name();
            ALERTS.computeIfAbsent(alert.getRuleId() + " " + severity, key -> Counter.builder("analytics.alerts")
                    .description("Alerts raised (or updated by a repeat), by rule and severity.")
                    .tag("rule", alert.getRuleId()).tag("severity", severity).register(Metrics.globalRegistry)).increment();
        }
    }
}
