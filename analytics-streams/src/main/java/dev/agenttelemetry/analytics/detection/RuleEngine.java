package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.analytics.rules.EventView;
import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.RuleDefinition;
import dev.agenttelemetry.analytics.rules.Violation;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies a rule book to one session's events, in order, against the session's remembered state. Storage
 * agnostic: the Streams processor keeps the state in stores, {@code agent-telemetry rules test} in memory.
 */
public final class RuleEngine {
    private static final int MAX_EVENT_IDS = 20;
    private final RuleBook book;
    private final long frequencyWindowMillis;
    /** How far back repeated-violation rules look: violations older than this are dropped from the state. */
    private final long violationWindowMillis;
    /** How long an idle session's state is worth keeping: the longest window or suppression, at least 30 minutes. */
    private final Duration retention;
    private final Map<String, Duration> suppressionByRule;

    /** What one event produced: alerts to publish now, and the violations it caused (before suppression). */
    public record Outcome(List<SecurityAlert> alerts, List<Violation> violations) {
    }

    public RuleEngine(RuleBook book) {
        this.book = book;
        this.frequencyWindowMillis = book.rules().stream().filter(r -> r.kind() == RuleDefinition.Kind.HIGH_FREQUENCY)
                .mapToLong(r -> r.window().toMillis()).max().orElse(0);
        this.violationWindowMillis = book.rules().stream().filter(r -> r.kind() == RuleDefinition.Kind.REPEATED_VIOLATIONS)
                .mapToLong(r -> r.window().toMillis()).max().orElse(0);
        this.retention = book.rules().stream().flatMap(r -> java.util.stream.Stream.of(r.window(), r.suppress()))
                .max(Duration::compareTo).filter(d -> d.compareTo(Duration.ofMinutes(30)) > 0).orElse(Duration.ofMinutes(30));
        this.suppressionByRule = book.rules().stream().collect(Collectors.toMap(RuleDefinition::id, RuleDefinition::suppress, (first, later) -> first));
    }

    /**
     * @param baselines the user's baseline, looked up by user id (for high-frequency rules with a baseline)
     */
    public Outcome onEvent(AgentEvent event, SessionRuleState state, Function<String, UserBaseline> baselines) {
        long now = event.getReceivedAt().toEpochMilli();
        state.lastEventMillis = Math.max(state.lastEventMillis, now);
        if (event.getUserId() != null) {
            state.userId = event.getUserId();
        }
        List<SecurityAlert> alerts = new ArrayList<>();
        List<Violation> fired = new ArrayList<>();
        EventView view = new EventView(event);
        for (Violation violation : book.evaluate(view)) {
            RuleDefinition rule = violation.rule();
            if (rule.threshold() > 1) {
                Deque<Long> times = state.matches.computeIfAbsent(rule.id(), id -> new java.util.ArrayDeque<>());
                times.add(now);
                prune(times, now - rule.window().toMillis());
                if (times.size() < rule.threshold()) {
                    continue;
                }
                times.clear(); // the next alert needs a fresh threshold's worth of matches
            }
            fired.add(violation);
        }
        if (isToolCall(event) && frequencyWindowMillis > 0) {
            countToolCall(state, now);
            for (RuleDefinition rule : book.rules()) {
                if (rule.kind() == RuleDefinition.Kind.HIGH_FREQUENCY) {
                    long calls = toolCallsWithin(state, now, rule.window());
                    state.peakToolCalls = (int) Math.max(state.peakToolCalls, calls);
                    String limitFrom = "fixed limit";
                    double limit = rule.threshold();
                    UserBaseline baseline = rule.baseline() == null || state.userId == null ? null : baselines.apply(state.userId);
                    if (baseline != null && baseline.peaks().size() >= rule.baseline().minSessions()) {
                        limit = Math.max(rule.baseline().floor(), rule.baseline().factor() * baseline.medianPeak());
                        limitFrom = "this user's norm";
                    }
                    if (calls > limit) {
                        fired.add(new Violation(rule, rule.severity(), calls + " tool calls within " + human(rule.window())
                                + " (limit " + Math.round(limit) + ", " + limitFrom + ")"));
                    }
                }
            }
        }
        for (Violation violation : fired) {
            state.violations.add(new long[]{now, violation.severity().ordinal()});
            if (state.violations.size() > SessionRuleState.MAX_VIOLATIONS) {
                state.violations.pollFirst();
            }
            raise(violation, event, state, alerts);
        }
        if (!fired.isEmpty()) {
            repeatedViolations(event, state, now, alerts, fired);
        }
        return new Outcome(alerts, fired);
    }

    private void repeatedViolations(AgentEvent event, SessionRuleState state, long now, List<SecurityAlert> alerts, List<Violation> fired) {
        prune(state.violations, now - violationWindowMillis);
        for (RuleDefinition rule : book.rules()) {
            if (rule.kind() != RuleDefinition.Kind.REPEATED_VIOLATIONS) {
                continue;
            }
            long since = now - rule.window().toMillis();
            long count = state.violations.stream().filter(v -> v[0] > since && v[1] >= rule.minSeverity().ordinal()).count();
            if (count >= rule.threshold()) {
                String latest = String.join(", ", fired.stream().map(v -> v.rule().id()).distinct().toList());
                Violation repeated = new Violation(rule, rule.severity(), count + " violations of " + rule.minSeverity()
                        + " severity or above within " + human(rule.window()) + "; latest: " + latest);
                raise(repeated, event, state, alerts);
                fired.add(repeated);
                return;
            }
        }
    }

    /** Counts a tool call into its 10-second bucket and drops buckets older than the longest frequency window. */
    private void countToolCall(SessionRuleState state, long now) {
        long bucket = now / SessionRuleState.BUCKET_MILLIS;
        long[] last = state.toolCallBuckets.peekLast();
        if (last != null && last[0] >= bucket) {
            last[1]++; // same bucket (or a late event: counted with the newest)
        } else {
            state.toolCallBuckets.add(new long[]{bucket, 1});
        }
        while ((state.toolCallBuckets.peekFirst()[0] + 1) * SessionRuleState.BUCKET_MILLIS <= now - frequencyWindowMillis) {
            state.toolCallBuckets.pollFirst();
        }
    }

    /** Tool calls in the buckets that overlap the window ending now: exact to within one bucket (10 s) at the window's start. */
    private static long toolCallsWithin(SessionRuleState state, long now, Duration window) {
        long since = now - window.toMillis();
        long calls = 0;
        for (long[] bucket : state.toolCallBuckets) {
            if ((bucket[0] + 1) * SessionRuleState.BUCKET_MILLIS > since) {
                calls += bucket[1];
            }
        }
        return calls;
    }

    /** A new alert, or a repeat counted into the rule's open alert when it falls within the suppression window. */
    private static void raise(Violation violation, AgentEvent event, SessionRuleState state, List<SecurityAlert> out) {
        RuleDefinition rule = violation.rule();
        Instant at = event.getReceivedAt();
        SessionRuleState.OpenAlert open = state.open.get(rule.id());
        if (open != null && at.toEpochMilli() < open.firstSeenMillis + rule.suppress().toMillis()) {
            SecurityAlert alert = open.alert();
            alert.setCount(alert.getCount() + 1);
            alert.setLastSeen(at.isAfter(alert.getLastSeen()) ? at : alert.getLastSeen());
            if (violation.severity().ordinal() > alert.getSeverity().ordinal()) {
                alert.setSeverity(violation.severity());
            }
            if (alert.getEventIds().size() < MAX_EVENT_IDS) {
                List<String> ids = new ArrayList<>(alert.getEventIds());
                ids.add(event.getEventId());
                alert.setEventIds(ids);
            }
            return;
        }
        if (open != null && open.alert().getCount() > open.reported) {
            out.add(SecurityAlert.newBuilder(open.alert()).build()); // the closing count of the previous alert
        }
        SecurityAlert alert = newAlert(violation, event);
        state.open.put(rule.id(), new SessionRuleState.OpenAlert(alert, 1));
        out.add(SecurityAlert.newBuilder(alert).build());
    }

    /**
     * Closes the alerts whose suppression window has ended by {@code now}; returns those that counted repeats
     * since they were last published, with their final count (same alert id: an update, not a new alert).
     */
    public List<SecurityAlert> expire(SessionRuleState state, Instant now) {
        List<SecurityAlert> updates = new ArrayList<>();
        Iterator<Map.Entry<String, SessionRuleState.OpenAlert>> it = state.open.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, SessionRuleState.OpenAlert> open = it.next();
            if (now.toEpochMilli() >= suppressionEndMillis(open.getKey(), open.getValue())) {
                if (open.getValue().alert().getCount() > open.getValue().reported) {
                    updates.add(SecurityAlert.newBuilder(open.getValue().alert()).build());
                }
                it.remove();
            }
        }
        return updates;
    }

    /**
     * When {@link #expire} or {@link #isStale} next has something to do with this state: the end of its first
     * suppression window, or, with none open, when it turns stale.
     */
    public long nextSweepMillis(SessionRuleState state) {
        long next = state.lastEventMillis + retention.toMillis() + 1;
        for (Map.Entry<String, SessionRuleState.OpenAlert> open : state.open.entrySet()) {
            next = Math.min(next, suppressionEndMillis(open.getKey(), open.getValue()));
        }
        return next;
    }

    private long suppressionEndMillis(String ruleId, SessionRuleState.OpenAlert open) {
        Duration suppress = suppressionByRule.getOrDefault(ruleId, Duration.ZERO);
        return open.firstSeenMillis + suppress.toMillis();
    }

    /** Whether an idle session's state can go: nothing open and idle for longer than any rule looks back. */
    public boolean isStale(SessionRuleState state, Instant now) {
        return !state.hasOpenAlerts() && now.toEpochMilli() - state.lastEventMillis > retention.toMillis();
    }

    static SecurityAlert newAlert(Violation violation, AgentEvent event) {
        RuleDefinition rule = violation.rule();
        String identity = rule.id() + '|' + event.getSessionId() + '|' + event.getEventId();
        return SecurityAlert.newBuilder()
                .setAlertId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
                .setRuleId(rule.id())
                .setTitle(rule.title())
                .setCategory(rule.category())
                .setDescription(rule.description())
                .setSeverity(violation.severity())
                .setSessionId(event.getSessionId())
                .setProjectName(event.getProjectName())
                .setAgent(event.getSource())
                .setSubagentType(event.getSubagentType())
                .setUserId(event.getUserId())
                .setToolName(event.getToolName())
                .setEvidence(violation.evidence())
                .setEventIds(List.of(event.getEventId()))
                .setFirstSeen(event.getReceivedAt())
                .setLastSeen(event.getReceivedAt())
                .setCount(1)
                .build();
    }

    static boolean isToolCall(AgentEvent event) {
        return "PreToolUse".equals(event.getHookEventName()) && event.getToolName() != null;
    }

    private static void prune(Deque<?> times, long before) {
        while (!times.isEmpty()) {
            Object head = times.peekFirst();
            long time = head instanceof long[] pair ? pair[0] : (Long) head;
            if (time > before) {
                break;
            }
            times.pollFirst();
        }
    }

    private static String human(Duration duration) {
        return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
    }
}
