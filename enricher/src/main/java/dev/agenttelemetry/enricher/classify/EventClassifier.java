package dev.agenttelemetry.enricher.classify;

import dev.agenttelemetry.avro.EventType;

import java.util.Map;

/** What a hook event means: from the hook event name, and for tool events from the tool name. */
public final class EventClassifier {
    private static final Map<String, EventType> BY_HOOK = Map.ofEntries(
            Map.entry("SessionStart", EventType.session_start),
            Map.entry("SessionEnd", EventType.session_end),
            Map.entry("Stop", EventType.stop),
            Map.entry("SubagentStart", EventType.subagent_start),
            Map.entry("SubagentStop", EventType.subagent_stop),
            Map.entry("UserPromptSubmit", EventType.user_prompt),
            Map.entry("Notification", EventType.notification),
            Map.entry("PreCompact", EventType.compaction),
            Map.entry("PostCompact", EventType.compaction),
            Map.entry("PermissionRequest", EventType.permission_request),
            Map.entry("PermissionDenied", EventType.permission_denied),
            Map.entry("PostToolUseFailure", EventType.tool_failure));

    private static final Map<String, EventType> BY_TOOL = Map.ofEntries(
            Map.entry("Read", EventType.file_read),
            Map.entry("Write", EventType.file_write),
            Map.entry("Edit", EventType.file_edit),
            Map.entry("MultiEdit", EventType.file_edit),
            Map.entry("NotebookEdit", EventType.file_edit),
            Map.entry("Bash", EventType.command_execution),
            Map.entry("Grep", EventType.code_search),
            Map.entry("Glob", EventType.file_search),
            Map.entry("LS", EventType.directory_list),
            Map.entry("WebFetch", EventType.web_fetch),
            Map.entry("WebSearch", EventType.web_search),
            Map.entry("Task", EventType.sub_agent_delegation),
            Map.entry("Agent", EventType.sub_agent_delegation),
            Map.entry("TodoWrite", EventType.task_management),
            Map.entry("TodoRead", EventType.task_management));

    private EventClassifier() {
    }

    public static EventType classify(String hookEventName, String toolName) {
        EventType byHook = BY_HOOK.get(hookEventName);
        if (byHook != null) {
            return byHook;
        }
        if (toolName == null) {
            return EventType.unknown;
        }
        if (toolName.startsWith("mcp__")) {
            return EventType.mcp_tool;
        }
        EventType byTool = BY_TOOL.get(toolName);
        if (byTool != null) {
            return byTool;
        }
        // Claude Code's task tools (TaskCreate, TaskUpdate, TaskList, ...) manage the agent's own to-do list.
        return toolName.startsWith("Task") ? EventType.task_management : EventType.unknown;
    }
}
