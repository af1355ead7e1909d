package dev.agenttelemetry.collector;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
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

    public static HookRequest parse(byte[] body) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonParseException e) {
            throw new Invalid(List.of("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + reason(e)));
        } catch (JsonProcessingException e) {
            throw new Invalid(List.of("malformed JSON: " + reason(e)));
        } catch (java.io.IOException e) {
            throw new Invalid(List.of("unreadable body"));
        }
        return of(root);
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
