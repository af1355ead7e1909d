package dev.agenttelemetry.launcher.log;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.ToolPairing;

import java.time.Instant;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which events {@code agent-telemetry log} wants: a time range, and optionally a session, tool, event type,
 * status (success, failure, no_result: of the tool call the event ends) and a keyword (case-insensitive, in
 * the command, paths, URL, search pattern and query, description, prompt preview or error).
 */
public record EventQuery(Instant since, Instant until, String session, String tool, String eventType, String status, String keyword) {

    public boolean matches(AgentEvent event) {
        Instant at = event.getReceivedAt();
        if (at.isBefore(since) || !at.isBefore(until)) {
            return false;
        }
        if (session != null && !session.equals(event.getSessionId())) {
            return false;
        }
        if (tool != null && !tool.equalsIgnoreCase(String.valueOf(event.getToolName()))) {
            return false;
        }
        if (eventType != null && !eventType.equals(event.getEventType().name())) {
            return false;
        }
        if (status != null) {
            ToolPairing pairing = event.getPairing();
            if (pairing == null || !pairing.getOutcome().name().equals(status)) {
                return false;
            }
        }
        if (keyword != null) {
            String needle = keyword.toLowerCase(Locale.ROOT);
            return Stream.of(event.getCommand(), event.getFilePath(), event.getUrl(), event.getPattern(), event.getQuery(), event.getDescription(),
                            event.getPrompt() == null ? null : event.getPrompt().getPreview(),
                            event.getPairing() == null ? null : event.getPairing().getError())
                    .anyMatch(text -> text != null && text.toLowerCase(Locale.ROOT).contains(needle));
        }
        return true;
    }
}
