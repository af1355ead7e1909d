package dev.agenttelemetry.launcher.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.HookRequest;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.enricher.masking.Masker;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns a line of JSON into the {@link AgentEvent} the analytics app would see: a hook payload (as Claude Code
 * posts it), or a bare command, goes through the enricher's own mapping and masking; an event (as on the events
 * topic, in JSON) is read field by field against the AgentEvent schema.
 */
public final class OfflineEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where a bare command runs when its line names no cwd: a project directory. */
    static final String DEFAULT_PROJECT = "/home/dev/project";
    private final HookEventEnricher enricher = new HookEventEnricher(Masker.withDefaultRules(), 200);

    /** @param receivedAt the time to give a hook payload (payloads carry none) */
    public AgentEvent fromJson(String line, long lineNumber, Instant receivedAt) {
        return fromJson(read(line), line, lineNumber, receivedAt);
    }

    /** A line of JSON, read; a clear message when it is not an object. */
    public static JsonNode read(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object (a hook payload, an event or a command)");
        }
        return root;
    }

    /**
     * An event from a line already read: an event as on the events topic, a hook payload, or a bare
     * {@code {"command": "..."}} (as attack corpora are written), run as a Bash PreToolUse in its own session
     * ({@code session_id} and {@code cwd} when the line has them).
     */
    public AgentEvent fromJson(JsonNode root, String line, long lineNumber, Instant receivedAt) {
        if (root.has("event_type") && root.has("event_id")) {
            return (AgentEvent) record(root, AgentEvent.getClassSchema(), "");
        }
        String payload = line;
        if (!root.has("hook_event_name") && root.path("command").isTextual()) {
            payload = JSON.createObjectNode().put("session_id", root.path("session_id").asText("line-" + lineNumber))
                    .put("hook_event_name", "PreToolUse").put("cwd", root.path("cwd").asText(DEFAULT_PROJECT)).put("tool_name", "Bash")
                    .put("tool_use_id", "toolu_line" + lineNumber)
                    .set("tool_input", JSON.createObjectNode().put("command", root.path("command").asText())).toString();
            root = read(payload);
        }
        HookRequest hook;
        try {
            hook = HookRequest.of(root);
        } catch (HookRequest.Invalid e) {
            throw new IllegalArgumentException(String.join("; ", e.problems()));
        }
        return hookEvent(hook, payload, "line-" + lineNumber, receivedAt);
    }

    /** A hook payload as the collector would publish it and the enricher turn it into an event. */
    public AgentEvent hookEvent(HookRequest hook, String payload, String eventId, Instant receivedAt) {
        return enricher.enrich(HookEnvelope.newBuilder().setEventId(eventId).setReceivedAt(receivedAt).setSource("claude-code")
                .setHookEventName(hook.hookEventName()).setKnownHookEvent(hook.knownHookEvent()).setSessionId(hook.sessionId())
                .setCwd(hook.cwd()).setPayload(payload).build());
    }

    private static Object record(JsonNode node, Schema schema, String path) {
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node.get(field.name());
            String where = path.isEmpty() ? field.name() : path + "." + field.name();
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    throw new IllegalArgumentException("event field '" + where + "' is missing");
                }
                record.put(field.pos(), SpecificData.get().deepCopy(field.schema(), SpecificData.get().getDefaultValue(field)));
            } else {
                record.put(field.pos(), value(value, field.schema(), where));
            }
        }
        return record;
    }

    private static Object value(JsonNode node, Schema schema, String where) {
        switch (schema.getType()) {
            case UNION -> {
                if (node.isNull()) {
                    return null;
                }
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        return value(node, branch, where);
                    }
                }
                return null;
            }
            case STRING -> {
                return node.isTextual() ? node.asText() : node.toString();
            }
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return node.isNumber() ? Instant.ofEpochMilli(node.asLong()) : Instant.parse(node.asText());
                }
                return node.asLong();
            }
            case INT -> {
                return node.asInt();
            }
            case DOUBLE -> {
                return node.asDouble();
            }
            case BOOLEAN -> {
                return node.asBoolean();
            }
            case ENUM -> {
                try {
                    return SpecificData.get().createEnum(node.asText(), schema);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("event field '" + where + "': '" + node.asText() + "' is not one of " + schema.getEnumSymbols());
                }
            }
            case RECORD -> {
                return record(node, schema, where);
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonNode item : node) {
                    list.add(value(item, schema.getElementType(), where + "[]"));
                }
                return list;
            }
            case MAP -> {
                Map<String, Object> map = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    map.put(entry.getKey(), value(entry.getValue(), schema.getValueType(), where + "." + entry.getKey()));
                }
                return map;
            }
            default -> throw new IllegalArgumentException("event field '" + where + "' has an unsupported type " + schema.getType());
        }
    }
}
