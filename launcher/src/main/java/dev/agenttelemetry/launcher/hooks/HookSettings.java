package dev.agenttelemetry.launcher.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Adds our hook entries to a Claude Code settings tree, or removes them, leaving every other setting and
 * hook as it was. Ours are the {@code http} hooks posting to our URL and the {@code command} hook carrying
 * our marker comment. Installing removes ours first and appends them again, so a second run changes nothing.
 */
public final class HookSettings {
    /** Events Claude Code posts with {@code http} hooks. */
    static final List<String> HTTP_EVENTS = List.of("PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest",
            "UserPromptSubmit", "Notification", "Stop", "SubagentStart", "SubagentStop", "PreCompact", "SessionEnd");
    /** Tool events take a matcher; "*" matches every tool. */
    private static final List<String> TOOL_EVENTS = List.of("PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest");
    /** SessionStart runs only {@code command} hooks. */
    static final String COMMAND_EVENT = "SessionStart";
    static final String MARKER = "# agent-telemetry";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * @param url          the collector's hook endpoint
     * @param timeoutSecs  how long Claude Code waits for the collector per event
     * @param tokenEnv     environment variable holding the collector's bearer token, if it has one
     * @param fallbackFile where the SessionStart hook appends its payload while the collector is down
     */
    public record Target(String url, int timeoutSecs, Optional<String> tokenEnv, Path fallbackFile) {
    }

    private HookSettings() {
    }

    /** A copy of {@code settings} with our hooks (re)installed. */
    public static ObjectNode install(ObjectNode settings, Target target) {
        ObjectNode result = uninstall(settings, target.url());
        ObjectNode hooks = result.has("hooks") && result.get("hooks").isObject() ? (ObjectNode) result.get("hooks") : result.putObject("hooks");
        for (String event : HTTP_EVENTS) {
            ObjectNode group = NODES.objectNode();
            if (TOOL_EVENTS.contains(event)) {
                group.put("matcher", "*");
            }
            group.putArray("hooks").add(httpHook(target));
            eventArray(hooks, event).add(group);
        }
        ObjectNode sessionStart = NODES.objectNode();
        sessionStart.putArray("hooks").add(NODES.objectNode().put("type", "command").put("command", sessionStartCommand(target))
                .put("timeout", target.timeoutSecs() + 1));
        eventArray(hooks, COMMAND_EVENT).add(sessionStart);
        return result;
    }

    /** A copy of {@code settings} without our hooks; groups and events left empty by that are removed. */
    public static ObjectNode uninstall(ObjectNode settings, String url) {
        ObjectNode result = settings.deepCopy();
        JsonNode hooks = result.get("hooks");
        if (hooks == null || !hooks.isObject()) {
            return result;
        }
        Iterator<String> events = hooks.fieldNames();
        while (events.hasNext()) {
            String event = events.next();
            JsonNode groups = hooks.get(event);
            if (!groups.isArray()) {
                continue;
            }
            for (int g = groups.size() - 1; g >= 0; g--) {
                JsonNode entries = groups.get(g).get("hooks");
                if (entries == null || !entries.isArray()) {
                    continue;
                }
                int before = entries.size();
                for (int h = entries.size() - 1; h >= 0; h--) {
                    if (isOurs(entries.get(h), url)) {
                        ((ArrayNode) entries).remove(h);
                    }
                }
                if (entries.isEmpty() && before > 0) {
                    ((ArrayNode) groups).remove(g);
                }
            }
            if (groups.isEmpty()) {
                events.remove();
            }
        }
        if (hooks.isEmpty()) {
            result.remove("hooks");
        }
        return result;
    }

    static boolean isOurs(JsonNode hook, String url) {
        String type = hook.path("type").asText();
        return ("http".equals(type) && url.equals(hook.path("url").asText()))
                || ("command".equals(type) && hook.path("command").asText().contains(MARKER));
    }

    private static ObjectNode httpHook(Target target) {
        ObjectNode hook = NODES.objectNode().put("type", "http").put("url", target.url()).put("timeout", target.timeoutSecs());
        target.tokenEnv().ifPresent(env -> {
            hook.putObject("headers").put("Authorization", "Bearer $" + env);
            hook.putArray("allowedEnvVars").add(env);
        });
        return hook;
    }

    /**
     * Posts the payload with curl; if the collector does not take it, appends it to the fallback file,
     * which the collector ingests when it starts. Always exits 0, so the session is never held up.
     */
    public static String sessionStartCommand(Target target) {
        String auth = target.tokenEnv().map(env -> " -H \"Authorization: Bearer $" + env + "\"").orElse("");
        String file = shellQuote(target.fallbackFile().toString());
        String dir = shellQuote(target.fallbackFile().getParent().toString());
        return "p=$(cat); curl -sf -m " + target.timeoutSecs() + " -X POST -H 'Content-Type: application/json'" + auth
                + " --data-binary \"$p\" " + shellQuote(target.url()) + " >/dev/null 2>&1 || { mkdir -p " + dir
                + " && printf '%s\\t%s\\n' \"$(date +%s)000\" \"$(printf '%s' \"$p\" | tr -d '\\n')\" >> " + file + "; }; true " + MARKER;
    }

    private static ArrayNode eventArray(ObjectNode hooks, String event) {
        JsonNode existing = hooks.get(event);
        return existing != null && existing.isArray() ? (ArrayNode) existing : hooks.putArray(event);
    }

    private static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
