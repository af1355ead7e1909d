package dev.agenttelemetry.collector.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields the collector needs from one hook payload, read without keeping the parsed tree: the
 * payload itself travels on unchanged.
 */
public record HookRequest(String sessionId, String hookEventName, String cwd) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Thrown for a body that is not a usable hook; the message never quotes the body (it may hold secrets). */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        Invalid(List<String> problems) {
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
            throw new Invalid(List.of("malformed JSON: " + e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new Invalid(List.of("unreadable body"));
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(List.of("the body must be a JSON object (a Claude Code hook payload)"));
        }
        List<String> problems = new ArrayList<>();
        String sessionId = requiredText(root, "session_id", problems);
        String hookEventName = requiredText(root, "hook_event_name", problems);
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        JsonNode cwd = root.get("cwd");
        return new HookRequest(sessionId, hookEventName, cwd != null && cwd.isTextual() ? cwd.asText() : null);
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

    private static String requiredText(JsonNode root, String field, List<String> problems) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            problems.add("missing required field '" + field + "'");
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            problems.add("field '" + field + "' must be a non-empty string");
            return null;
        }
        return value.asText();
    }
}
