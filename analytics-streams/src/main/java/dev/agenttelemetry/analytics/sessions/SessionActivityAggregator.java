package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SessionActivity;

import java.time.Instant;
import java.util.HashMap;

/** Folds a session's events into its {@link SessionActivity} for one window. */
public final class SessionActivityAggregator {
    private SessionActivityAggregator() {
    }

    public static SessionActivity empty() {
        return SessionActivity.newBuilder().setSessionId("").setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
                .setLastEventAt(Instant.EPOCH).setEventsByType(new HashMap<>()).setEventsByTool(new HashMap<>()).build();
    }

    public static SessionActivity add(String sessionId, AgentEvent event, SessionActivity activity) {
        activity.setSessionId(sessionId);
        activity.setEventCount(activity.getEventCount() + 1);
        activity.getEventsByType().merge(event.getEventType().name(), 1L, Long::sum);
        if (event.getToolName() != null) {
            activity.getEventsByTool().merge(event.getToolName(), 1L, Long::sum);
        }
        if (event.getProjectName() != null) {
            activity.setProjectName(event.getProjectName());
        }
        if (event.getReceivedAt().isAfter(activity.getLastEventAt())) {
            activity.setLastEventAt(event.getReceivedAt());
        }
        return activity;
    }
}
