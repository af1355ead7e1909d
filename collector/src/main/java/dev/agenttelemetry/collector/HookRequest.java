package dev.agenttelemetry.collector;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * The fields the collector needs from one hook payload. The payload itself travels on unchanged.
 * Accepts what agents really send: Claude Code's snake_case, camelCase variants, and Cursor's
 * {@code conversation_id} / {@code workspace_roots} in place of {@code session_id} / {@code cwd}.
 */
public record HookRequest(String sessionId, String hookEventName, String cwd, boolean knownHookEvent) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Hook events of Claude Code and Cursor; others are accepted and marked unknown. */
    public static final Set<String> KNOWN_HOOK_EVENTS = Set.of(
            "PreToolUse", "PostToolUse", "PostToolUseFailure", "UserPromptSubmit", "SessionStart", "SessionEnd",
            "Stop", "SubagentStart", "SubagentStop", "Notification", "PreCompact", "PostCompact", "PermissionRequest",
            "PermissionDenied", "Setup",
            "beforeShellExecution", "afterShellExecution", "beforeMCPExecution", "afterMCPExecution", "beforeReadFile",
            "afterFileEdit", "beforeSubmitPrompt", "afterAgentResponse", "afterAgentThought", "stop");

    /** Thrown for a body that is not a usable hook; the messages never quote the body (it may hold secrets). */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        public Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = problems;
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Reads only the top-level fields it needs and skips the rest (tool inputs and responses can be hundreds
     * of KB), while still checking that the whole body is well-formed JSON.
     */
    public static HookRequest parse(byte[] body) throws Invalid {
        Map<String, String> fields = new HashMap<>();
        List<String> problems = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid(List.of("the body must be a JSON object (a hook payload)"));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (FIELDS.contains(name) && fields.containsKey(name)) {
                    problems.add("field '" + name + "' appears more than once"); // JSON leaves it open which one counts
                    parser.skipChildren();
                } else if (FIELDS.contains(name)) {
                    if (value == JsonToken.VALUE_STRING) {
                        fields.putIfAbsent(name, parser.getText());
                    } else if (value == JsonToken.START_ARRAY && (name.equals("workspace_roots") || name.equals("workspaceRoots"))) {
                        if (parser.nextToken() == JsonToken.VALUE_STRING) {
                            fields.putIfAbsent(name, parser.getText());
                        }
                        parser.skipChildren();
                        if (parser.currentToken() != JsonToken.END_ARRAY) {
                            while (parser.nextToken() != JsonToken.END_ARRAY) {
                                parser.skipChildren();
                            }
                        }
                    } else if (value != JsonToken.VALUE_NULL) {
                        fields.putIfAbsent(name, NOT_TEXT);
                        parser.skipChildren();
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new Invalid(List.of("unexpected content after the JSON object"));
            }
        } catch (JsonParseException e) {
            throw new Invalid(List.of("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + reason(e)));
        } catch (java.io.IOException e) {
            throw new Invalid(List.of("unreadable body"));
        }
        String sessionId = required(fields, problems, "session_id", "sessionId", "conversation_id", "conversationId");
        String hookEventName = required(fields, problems, "hook_event_name", "hookEventName");
        if (!problems.isEmpty()) {
            throw new Invalid(List.copyOf(new java.util.LinkedHashSet<>(problems)));
        }
        String cwd = firstUsable(fields, "cwd", "workspace_roots", "workspaceRoots");
        return new HookRequest(sessionId, hookEventName, cwd, KNOWN_HOOK_EVENTS.contains(hookEventName));
    }

    private static final String NOT_TEXT = "\u0000not text";
    private static final Set<String> FIELDS = Set.of("session_id", "sessionId", "conversation_id", "conversationId",
            "hook_event_name", "hookEventName", "cwd", "workspace_roots", "workspaceRoots");

    private static String required(Map<String, String> fields, List<String> problems, String... names) {
        for (String name : names) {
            String value = fields.get(name);
            if (value == null) {
                continue;
            }
            if (value.equals(NOT_TEXT) || value.isBlank()) {
                problems.add("field '" + name + "' must be a non-empty string");
                return null;
            }
            return value;
        }
        problems.add("missing required field '" + names[0] + "'");
        return null;
    }

    private static String firstUsable(Map<String, String> fields, String... names) {
        for (String name : names) {
            String value = fields.get(name);
            if (value != null && !value.equals(NOT_TEXT) && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** The hook in an already parsed JSON value (one element of a batch). */
    public static HookRequest of(JsonNode root) throws Invalid {
        if (root == null || !root.isObject()) {
            throw new Invalid(List.of("the body must be a JSON object (a hook payload)"));
        }
        List<String> problems = new ArrayList<>();
        String sessionId = requiredText(root, problems, "session_id", "sessionId", "conversation_id", "conversationId");
        String hookEventName = requiredText(root, problems, "hook_event_name", "hookEventName");
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        return new HookRequest(sessionId, hookEventName, cwd(root), KNOWN_HOOK_EVENTS.contains(hookEventName));
    }

    private static String cwd(JsonNode root) {
        for (String field : List.of("cwd", "workspace_roots", "workspaceRoots")) {
            JsonNode value = root.get(field);
            if (value != null && value.isArray() && !value.isEmpty()) {
                value = value.get(0);
            }
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        return null;
    }

    /** Jackson's reason without the parts that quote the input (it may hold secrets) or point at it. */
    private static String reason(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int cut = message.indexOf(" (");
        message = cut > 0 ? message.substring(0, cut) : message;
        int newline = message.indexOf('\n');
        message = newline > 0 ? message.substring(0, newline) : message;
        return message.replaceAll("'[^']*'", "token").replaceAll("\\(code \\d+\\)", "").trim();
    }

    private static String requiredText(JsonNode root, List<String> problems, String... names) {
        for (String name : names) {
            JsonNode value = root.get(name);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                problems.add("field '" + name + "' must be a non-empty string");
                return null;
            }
            return value.asText();
        }
        problems.add("missing required field '" + names[0] + "'");
        return null;
    }
}
