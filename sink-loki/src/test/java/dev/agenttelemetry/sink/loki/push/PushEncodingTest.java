package dev.agenttelemetry.sink.loki.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loki's two push encodings, read back field by field: snappy-compressed logproto.PushRequest (read with protobuf's
 * generic parser, so a wrong field number or length shows) and JSON.
 */
class PushEncodingTest {
    private static final SortedMap<String, String> LABELS = new TreeMap<>(Map.of("service", "agent-telemetry", "kind", "event",
            "project", "say \"hi\"\\now"));
    private static final LokiEntry FIRST = new LokiEntry(LABELS, 1_765_000_000_123_456_789L, "{\"event_id\":\"e1\",\"text\":\"ünïcødé ✓\"}",
            new TreeMap<>(Map.of("event_id", "e1", "tool_name", "Bash")));
    private static final LokiEntry SECOND = new LokiEntry(LABELS, 1_765_000_001_000_000_000L, "second", new TreeMap<>());

    @Test
    void protobufIsALogprotoPushRequestWithOneStream() throws Exception {
        UnknownFieldSet request = UnknownFieldSet.parseFrom(Snappy.uncompress(PushEncoding.PROTOBUF.encode(LABELS, List.of(FIRST, SECOND))));
        List<ByteString> streams = request.getField(1).getLengthDelimitedList();
        assertThat(streams).hasSize(1);
        UnknownFieldSet stream = UnknownFieldSet.parseFrom(streams.get(0));
        assertThat(stream.getField(1).getLengthDelimitedList().get(0).toStringUtf8())
                .isEqualTo("{kind=\"event\", project=\"say \\\"hi\\\"\\\\now\", service=\"agent-telemetry\"}");
        List<ByteString> entries = stream.getField(2).getLengthDelimitedList();
        assertThat(entries).hasSize(2);

        UnknownFieldSet first = UnknownFieldSet.parseFrom(entries.get(0));
        UnknownFieldSet timestamp = UnknownFieldSet.parseFrom(first.getField(1).getLengthDelimitedList().get(0));
        assertThat(timestamp.getField(1).getVarintList()).containsExactly(1_765_000_000L);
        assertThat(timestamp.getField(2).getVarintList()).containsExactly(123_456_789L);
        assertThat(first.getField(2).getLengthDelimitedList().get(0).toStringUtf8()).isEqualTo(FIRST.line());
        List<ByteString> metadata = first.getField(3).getLengthDelimitedList();
        assertThat(metadata).hasSize(2);
        UnknownFieldSet pair = UnknownFieldSet.parseFrom(metadata.get(1));
        assertThat(pair.getField(1).getLengthDelimitedList().get(0).toStringUtf8()).isEqualTo("tool_name");
        assertThat(pair.getField(2).getLengthDelimitedList().get(0).toStringUtf8()).isEqualTo("Bash");

        UnknownFieldSet second = UnknownFieldSet.parseFrom(entries.get(1));
        assertThat(second.hasField(3)).as("no metadata, no field").isFalse();
        UnknownFieldSet secondTime = UnknownFieldSet.parseFrom(second.getField(1).getLengthDelimitedList().get(0));
        assertThat(secondTime.getField(1).getVarintList()).containsExactly(1_765_000_001L);
        assertThat(secondTime.getField(2).getVarintList()).containsExactly(0L);
        assertThat(PushEncoding.PROTOBUF.contentType()).isEqualTo("application/x-protobuf");
    }

    @Test
    void jsonCarriesTheSameStreamWithNanosecondStringsAndMetadataObjects() throws Exception {
        JsonNode request = new ObjectMapper().readTree(PushEncoding.JSON.encode(LABELS, List.of(FIRST, SECOND)));
        JsonNode stream = request.path("streams").get(0);
        assertThat(stream.path("stream").path("project").asText()).isEqualTo("say \"hi\"\\now");
        JsonNode values = stream.path("values");
        assertThat(values.get(0).get(0).asText()).isEqualTo("1765000000123456789");
        assertThat(values.get(0).get(1).asText()).isEqualTo(FIRST.line());
        assertThat(values.get(0).get(2).path("tool_name").asText()).isEqualTo("Bash");
        assertThat(values.get(1)).as("[timestamp, line] without metadata").hasSize(2);
        assertThat(PushEncoding.JSON.contentType()).isEqualTo("application/json");
    }
}
