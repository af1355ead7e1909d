package dev.agenttelemetry.analytics;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.avro.PathRef;

import java.time.Instant;
import java.util.List;

/** Events as the enricher emits them, for rule and topology tests. */
public final class Events {
    public static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private Events() {
    }

    public static AgentEvent.Builder base(String id, Instant at) {
        return AgentEvent.newBuilder().setEventId(id).setReceivedAt(at).setSource("claude-code").setSessionId("s1")
                .setHookEventName("PreToolUse").setEventType(EventType.unknown).setProjectName("shop").setProjectRoot("/home/dev/shop")
                .setCwd("/home/dev/shop").setPayload("{}").setHash("h").setUserId("u1");
    }

    public static AgentEvent bash(String id, Instant at, String command) {
        return base(id, at).setEventType(EventType.command_execution).setToolName("Bash").setCommand(command).build();
    }

    public static AgentEvent file(String id, Instant at, EventType type, String tool, String path, PathClass pathClass) {
        return base(id, at).setEventType(type).setToolName(tool).setFilePath(path)
                .setPaths(List.of(new PathRef(path, pathClass))).setOutsideProjectScope(pathClass != PathClass.inside_project).build();
    }
}
