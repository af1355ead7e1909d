package dev.agenttelemetry.sink.loki.push;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.schemas.json.RecordJson;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
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
    void writesTheOneJsonFormWithIsoTimesAndThePayloadAsAnObject() throws Exception {
        AgentEvent event = AgentEvent.newBuilder(event("ls")).setReceivedAt(Instant.parse("2026-11-30T10:15:30.123Z"))
                .setPayload("{\"tool_input\":{\"command\":\"ls\"},\"n\":1}").build();
        JsonNode line = new ObjectMapper().readTree(new RecordToEntry(Map.of(), List.of()).map(1, event).line());

        assertThat(line.path("received_at").asText()).isEqualTo("2026-11-30T10:15:30.123Z");
        assertThat(line.path("payload").path("tool_input").path("command").asText()).isEqualTo("ls");
        assertThat(line.path("payload").path("n").asInt()).isEqualTo(1);
        assertThat(RecordToEntry.toJson(event)).isEqualTo(RecordJson.toJson(event));
    }

    @Test
    void keepsAPayloadThatIsNotJsonAsText() throws Exception {
        JsonNode line = new ObjectMapper().readTree(RecordToEntry.toJson(AgentEvent.newBuilder(event("ls")).setPayload("{\"cut\": ").build()));

        assertThat(line.path("payload").isTextual()).isTrue();
        assertThat(line.path("payload").asText()).isEqualTo("{\"cut\": ");
    }

    @Test
    void aConnectStructGivesTheSameLineAsTheAvroRecord() {
        org.apache.kafka.connect.data.Schema schema = SchemaBuilder.struct().name("dev.agenttelemetry.avro.AgentEvent")
                .field("event_id", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).field("received_at", Timestamp.SCHEMA)
                .field("payload", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
        Struct struct = new Struct(schema).put("event_id", "e1").put("received_at", Date.from(Instant.parse("2026-11-30T10:15:30Z")))
                .put("payload", "{\"a\":[1,2]}");

        assertThat(RecordToEntry.toJson(struct)).isEqualTo("{\"event_id\":\"e1\",\"received_at\":\"2026-11-30T10:15:30Z\",\"payload\":{\"a\":[1,2]}}");
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
