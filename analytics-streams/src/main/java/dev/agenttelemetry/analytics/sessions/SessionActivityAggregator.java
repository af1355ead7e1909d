package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.analytics.detection.Evaluated;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.avro.ToolOutcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds a session's evaluated events into its {@link SessionActivity} for one window and derives the
 * percentiles and shares. Tool calls, files and lines count PreToolUse events (the post event of the same call
 * would count it twice); durations and outcomes come from the later event of each pair.
 */
public final class SessionActivityAggregator {
    static final int DURATION_BUCKETS = 32;

    private SessionActivityAggregator() {
    }

    public static SessionActivity empty() {
        return SessionActivity.newBuilder().setSessionId("").setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
                .setFirstEventAt(Instant.ofEpochMilli(Long.MAX_VALUE)).setLastEventAt(Instant.EPOCH)
                .setDurationHistogram(new ArrayList<>(java.util.Collections.nCopies(DURATION_BUCKETS, 0L))).build();
    }

    public static SessionActivity add(String sessionId, Evaluated evaluated, SessionActivity a) {
        AgentEvent event = evaluated.event();
        a.setSessionId(sessionId);
        a.setEventCount(a.getEventCount() + 1);
        a.getEventsByType().merge(event.getEventType().name(), 1L, Long::sum);
        if (event.getToolName() != null) {
            a.getEventsByTool().merge(event.getToolName(), 1L, Long::sum);
        }
        if (event.getProjectName() != null) {
            a.setProjectName(event.getProjectName());
        }
        if (event.getUserId() != null) {
            a.setUserId(event.getUserId());
        }
        if (event.getReceivedAt().isAfter(a.getLastEventAt())) {
            a.setLastEventAt(event.getReceivedAt());
        }
        if (event.getReceivedAt().isBefore(a.getFirstEventAt())) {
            a.setFirstEventAt(event.getReceivedAt());
        }
        boolean toolCall = "PreToolUse".equals(event.getHookEventName()) && event.getToolName() != null;
        if (toolCall) {
            a.setToolCalls(a.getToolCalls() + 1);
            EventType type = event.getEventType();
            if (type == EventType.sub_agent_delegation) {
                a.setSubagentDelegations(a.getSubagentDelegations() + 1);
            } else if (type == EventType.file_read) {
                a.setFilesRead(a.getFilesRead() + 1);
            } else if (type == EventType.file_write || type == EventType.file_edit) {
                a.setFilesWritten(a.getFilesWritten() + 1);
            }
            if (event.getContent() != null) {
                a.setLinesAdded(a.getLinesAdded() + event.getContent().getLinesAdded());
                a.setLinesRemoved(a.getLinesRemoved() + event.getContent().getLinesRemoved());
            }
            if (event.getOutsideProjectScope()) {
                a.setOutsideProjectEvents(a.getOutsideProjectEvents() + 1);
            }
        }
        if (event.getEventType() == EventType.user_prompt) {
            a.setPrompts(a.getPrompts() + 1);
        }
        if (event.getPairing() != null) {
            ToolOutcome outcome = event.getPairing().getOutcome();
            if (outcome == ToolOutcome.failure) {
                a.setFailures(a.getFailures() + 1);
            } else if (outcome == ToolOutcome.no_result) {
                a.setNoResults(a.getNoResults() + 1);
            }
            if (outcome != ToolOutcome.no_result) {
                List<Long> histogram = a.getDurationHistogram();
                int bucket = bucketOf(event.getPairing().getDurationMs());
                histogram.set(bucket, histogram.get(bucket) + 1);
            }
        }
        for (Severity severity : evaluated.violations()) {
            a.getAlertsBySeverity().merge(severity.name(), 1L, Long::sum);
        }
        return finish(a);
    }

    /** Derived figures: percentiles from the histogram, the delegation share. */
    static SessionActivity finish(SessionActivity a) {
        a.setDurationP50Ms(percentile(a.getDurationHistogram(), 0.50));
        a.setDurationP95Ms(percentile(a.getDurationHistogram(), 0.95));
        a.setDelegationShare(a.getToolCalls() == 0 ? 0.0 : (double) a.getSubagentDelegations() / a.getToolCalls());
        return a;
    }

    /** Bucket i holds durations in [2^(i-1), 2^i) ms (bucket 0: under 1 ms). */
    static int bucketOf(long millis) {
        return Math.min(DURATION_BUCKETS - 1, 64 - Long.numberOfLeadingZeros(Math.max(0, millis)));
    }

    /** The upper bound of the bucket holding the given rank: within a factor of two of the true value. */
    static long percentile(List<Long> histogram, double quantile) {
        long total = histogram.stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < histogram.size(); i++) {
            seen += histogram.get(i);
            if (seen >= rank) {
                return 1L << i;
            }
        }
        return 1L << (histogram.size() - 1);
    }
}
