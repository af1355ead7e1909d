package dev.agenttelemetry.collector.spool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.avro.HookEnvelope;

import java.io.IOException;
import java.time.Instant;

/**
 * Envelopes as JSON on disk: readable with any tool, and independent of Avro schema versions, so a
 * spool written by one collector version replays with the next.
 */
final class EnvelopeJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvelopeJson() {
    }

    static byte[] write(HookEnvelope e) {
        ObjectNode node = JSON.createObjectNode()
                .put("event_id", e.getEventId())
                .put("received_at", e.getReceivedAt().toEpochMilli())
                .put("source", e.getSource())
                .put("hook_event_name", e.getHookEventName())
                .put("known_hook_event", e.getKnownHookEvent())
                .put("session_id", e.getSessionId())
                .put("cwd", e.getCwd())
                .put("payload", e.getPayload())
                .put("host", e.getHost())
                .put("os_user", e.getOsUser())
                .put("git_root", e.getGitRoot())
                .put("git_branch", e.getGitBranch())
                .put("git_commit", e.getGitCommit());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e1) {
            throw new IllegalStateException("cannot encode an envelope as JSON", e1);
        }
    }

    static HookEnvelope read(byte[] json) throws IOException {
        JsonNode n = JSON.readTree(json);
        return HookEnvelope.newBuilder()
                .setEventId(n.path("event_id").asText())
                .setReceivedAt(Instant.ofEpochMilli(n.path("received_at").asLong()))
                .setSource(n.path("source").asText("claude-code"))
                .setHookEventName(n.path("hook_event_name").asText())
                .setKnownHookEvent(n.path("known_hook_event").asBoolean(true))
                .setSessionId(n.path("session_id").asText())
                .setCwd(text(n, "cwd"))
                .setPayload(n.path("payload").asText())
                .setHost(text(n, "host"))
                .setOsUser(text(n, "os_user"))
                .setGitRoot(text(n, "git_root"))
                .setGitBranch(text(n, "git_branch"))
                .setGitCommit(text(n, "git_commit"))
                .build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
