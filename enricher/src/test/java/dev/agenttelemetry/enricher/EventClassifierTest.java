package dev.agenttelemetry.enricher;

import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.enricher.classify.EventClassifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class EventClassifierTest {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "PreToolUse, Read, file_read",
            "PreToolUse, Write, file_write",
            "PostToolUse, MultiEdit, file_edit",
            "PreToolUse, NotebookEdit, file_edit",
            "PreToolUse, Bash, command_execution",
            "PreToolUse, Grep, code_search",
            "PreToolUse, Glob, file_search",
            "PreToolUse, LS, directory_list",
            "PreToolUse, WebFetch, web_fetch",
            "PreToolUse, WebSearch, web_search",
            "PreToolUse, Task, sub_agent_delegation",
            "PreToolUse, Agent, sub_agent_delegation",
            "PreToolUse, TodoWrite, task_management",
            "PreToolUse, TaskUpdate, task_management",
            "PreToolUse, mcp__github__create_issue, mcp_tool",
            "PreToolUse, SomethingNew, unknown",
            "PostToolUseFailure, Bash, tool_failure",
            "UserPromptSubmit, -, user_prompt",
            "SessionStart, -, session_start",
            "SessionEnd, -, session_end",
            "Stop, -, stop",
            "SubagentStop, -, subagent_stop",
            "Notification, -, notification",
            "PreCompact, -, compaction",
            "PermissionRequest, Bash, permission_request",
            "FutureHook, -, unknown",
    })
    void classifies(String hook, String tool, EventType expected) {
        assertThat(EventClassifier.classify(hook, tool)).isEqualTo(expected);
    }
}
