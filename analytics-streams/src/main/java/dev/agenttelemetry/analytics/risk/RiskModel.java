package dev.agenttelemetry.analytics.risk;

import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.Severity;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session's risk in [0,1]: 0.4 unusual + 0.3 violations + 0.2 speed + 0.1 errors (the seed system's weights).
 * <ul>
 *   <li>unusual: how far the session's features lie from the user's other recent sessions: each feature's
 *       distance in standard deviations (never judged with a spread below a per-feature minimum), the root
 *       mean square over features d, mapped to (d - 1) / 3 clamped to [0,1]: within one spread is normal,
 *       four or more is fully unusual. Needs {@value #MIN_HISTORY} earlier sessions; until then 0.</li>
 *   <li>violations: 1 - product over violations of (1 - weight), weights low 0.05, medium 0.2, high 0.4,
 *       critical 0.7: one critical violation gives 0.7, three high ones 0.78.</li>
 *   <li>speed: tool calls per active minute / 20, at most 1.</li>
 *   <li>errors: failed or unanswered tool calls / tool calls.</li>
 * </ul>
 */
final class RiskModel {
    static final int MIN_HISTORY = 5;
    private static final Map<String, Double> SEVERITY_WEIGHT = Map.of("low", 0.05, "medium", 0.2, "high", 0.4, "critical", 0.7);

    private RiskModel() {
    }

    static void score(SessionActivity activity, List<double[]> history) {
        SessionFeatures features = SessionFeatures.of(activity);
        double unusual = unusual(features.values(), history);
        double calm = 1.0;
        for (Map.Entry<String, Long> entry : activity.getAlertsBySeverity().entrySet()) {
            calm *= Math.pow(1 - SEVERITY_WEIGHT.getOrDefault(entry.getKey(), 0.0), entry.getValue());
        }
        double violations = 1 - calm;
        double speed = Math.min(1.0, SessionFeatures.callsPerMinute(activity) / 20.0);
        double errors = Math.min(1.0, features.values()[2]);
        double score = 0.4 * unusual + 0.3 * violations + 0.2 * speed + 0.1 * errors;
        Map<String, Double> factors = new TreeMap<>();
        factors.put("unusual", round(unusual));
        factors.put("violations", round(violations));
        factors.put("speed", round(speed));
        factors.put("errors", round(errors));
        activity.setRiskFactors(factors);
        activity.setRiskScore(round(score));
        activity.setRiskCategory(score < 0.25 ? Severity.low : score < 0.5 ? Severity.medium : score < 0.75 ? Severity.high : Severity.critical);
    }

    static double unusual(double[] x, List<double[]> history) {
        if (history.size() < MIN_HISTORY) {
            return 0;
        }
        double sumSquares = 0;
        for (int f = 0; f < x.length; f++) {
            double mean = 0;
            for (double[] h : history) {
                mean += h[f];
            }
            mean /= history.size();
            double variance = 0;
            for (double[] h : history) {
                variance += (h[f] - mean) * (h[f] - mean);
            }
            double spread = Math.max(Math.sqrt(variance / (history.size() - 1)), SessionFeatures.MIN_SPREAD[f]);
            double z = (x[f] - mean) / spread;
            sumSquares += z * z;
        }
        double distance = Math.sqrt(sumSquares / x.length);
        return Math.max(0, Math.min(1, (distance - 1) / 3));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
