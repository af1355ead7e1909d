package dev.agenttelemetry.launcher.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.avro.SecurityAlert;

/** An alert as one JSON object, with the field names of the Avro schema and ISO-8601 times. */
public final class AlertJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertJson() {
    }

    public static String toJson(SecurityAlert alert) {
        ObjectNode node = JSON.createObjectNode()
                .put("alert_id", alert.getAlertId())
                .put("rule_id", alert.getRuleId())
                .put("title", alert.getTitle())
                .put("severity", alert.getSeverity().name())
                .put("session_id", alert.getSessionId())
                .put("project_name", alert.getProjectName())
                .put("evidence", alert.getEvidence())
                .put("first_seen", alert.getFirstSeen().toString())
                .put("last_seen", alert.getLastSeen().toString())
                .put("count", alert.getCount());
        alert.getEventIds().forEach(node.putArray("event_ids")::add);
        return node.toString();
    }
}
