package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.Severity;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One rule of a rule file.
 *
 * @param kind       {@code event}: matches single events (a {@code threshold} above 1 makes it fire only once that many
 *                   matches fall within {@code window}); {@code repeated_violations}: a session breaking other rules
 *                   {@code threshold} times within {@code window}; {@code high_frequency}: more than {@code threshold}
 *                   tool calls within {@code window}, or far above the user's own norm when a baseline is set
 * @param hookEvents the hook events the rule looks at (default PreToolUse: the moment the agent tries)
 * @param suppress   a second match by the same session within this time updates the open alert's count instead
 * @param line       where the rule starts in its file, for messages
 * @param index      the matchers by the programs they name (see {@link MatcherIndex})
 */
public record RuleDefinition(String id, String title, String category, Severity severity, String description, Kind kind,
                             Set<String> hookEvents, List<Matcher> matchers, int threshold, Duration window,
                             Duration suppress, Severity minSeverity, Baseline baseline, int line, MatcherIndex index) {

    public enum Kind { EVENT, REPEATED_VIOLATIONS, HIGH_FREQUENCY }

    /**
     * Per-user baseline for high frequency: once the user has {@code minSessions} sessions, the limit is
     * {@code factor} times their median session peak, but never below {@code floor}.
     */
    public record Baseline(double factor, int minSessions, int floor) {
    }

    /** The strongest matcher's verdict on a single event, if any matches. */
    public Optional<Violation> match(EventView view) {
        if (kind != Kind.EVENT || (!hookEvents.isEmpty() && !hookEvents.contains(view.event().getHookEventName()))) {
            return Optional.empty();
        }
        Violation best = null;
        for (int i : index.candidates(view)) {
            Matcher matcher = matchers.get(i);
            Optional<String> evidence = matcher.test(view);
            if (evidence.isPresent()) {
                Severity matched = matcher.severity() != null ? matcher.severity() : severity;
                if (best == null || matched.ordinal() > best.severity().ordinal()) {
                    best = new Violation(this, matched, evidence.get());
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
