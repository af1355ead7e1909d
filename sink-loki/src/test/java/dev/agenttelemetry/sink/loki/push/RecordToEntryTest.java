package dev.agenttelemetry.sink.loki.push;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecordToEntryTest {
    private static AgentEvent event(String command) {
        return AgentEvent.newBuilder().setEventId("e1").setReceivedAt(Instant.EPOCH).setSessionId("s1").setHookEventName("PreToolUse")
                .setEventType(EventType.command_execution).setToolName("Bash").setCommand(command).setPayload("{}").setHash("h").build();
    }

    @Test
    void staysWithinLokisLimitsByConstruction() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            labels.put(i % 2 == 0 ? "command" : "tool_name", "label-" + i + "-x");
        }
        labels.put("event_type", "9-type");
        RecordToEntry mapper = new RecordToEntry(labels, List.of("command", "payload", "session_id", "event_id"));
        LokiEntry entry = mapper.map(1, event("x".repeat(300_000)));

        assertThat(entry.labels().size()).isLessThanOrEqualTo(15);
        assertThat(entry.labels().keySet()).allMatch(name -> name.matches("[a-zA-Z_][a-zA-Z0-9_]*"));
        assertThat(entry.labels()).containsKey("_9_type").containsEntry("service", "agent-telemetry");
        assertThat(entry.labels().values()).allMatch(value -> value.length() <= 2_048);
        int metadataBytes = entry.metadata().entrySet().stream().mapToInt(m -> m.getKey().length()
                + m.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(metadataBytes).isLessThanOrEqualTo(60_000);
        assertThat(entry.metadata()).containsKeys("command", "session_id");
        assertThat(entry.line().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(RecordToEntry.MAX_LINE_BYTES);
        assertThat(entry.line()).startsWith("{\"event_id\":\"e1\"").endsWith("to fit Loki's 256 KB line limit]");
    }

    @Test
    void countsUtf8BytesAsTheEncoderWrites() {
        for (String text : List.of("", "rm -rf /", "café ñ", "日本語のパス", "emoji 🚀 and 𝄞", "\u0000\u007f\u0080\u07ff\u0800\uffff")) {
            assertThat(LokiEntry.utf8Length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void cutsLinesOnCharacterBoundaries() {
        String line = "é".repeat(200_000); // 2 bytes each
        String limited = RecordToEntry.limitLine(line);
        assertThat(limited.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(RecordToEntry.MAX_LINE_BYTES);
        assertThat(limited).doesNotContain("\uFFFD");
    }
}
