package dev.agenttelemetry.sink.loki.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Maps one of our Avro records to a Loki entry. Labels are few and of low cardinality (Loki indexes
 * them); the line is the record as compact JSON. The timestamp is the Kafka record's, so a redelivered
 * record becomes the identical entry, which Loki stores once.
 */
public final class RecordToEntry {
    private static final JsonFactory JSON = new JsonFactory();
    /** Record field -> Loki label, for the fields that exist in the record. */
    private static final Map<String, String> FIELD_LABELS = Map.of(
            "project_name", "project",
            "event_type", "event_type",
            "tool_name", "tool",
            "hook_event_name", "hook_event",
            "severity", "severity",
            "rule_id", "rule");

    private RecordToEntry() {
    }

    public static LokiEntry map(String topic, long timestampMillis, GenericRecord record) {
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("service", "agent-telemetry");
        labels.put("kind", kindOf(record.getSchema().getName()));
        labels.put("topic", topic);
        FIELD_LABELS.forEach((field, label) -> {
            if (record.getSchema().getField(field) != null && record.get(field) != null) {
                labels.put(label, record.get(field).toString());
            }
        });
        return new LokiEntry(labels, timestampMillis * 1_000_000L, toJson(record));
    }

    private static String kindOf(String recordName) {
        return switch (recordName) {
            case "AgentEvent" -> "event";
            case "SecurityAlert" -> "alert";
            case "SessionActivity" -> "session";
            default -> recordName.toLowerCase();
        };
    }

    static String toJson(GenericRecord record) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            write(generator, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof GenericRecord record) {
            out.writeStartObject();
            for (Schema.Field field : record.getSchema().getFields()) {
                out.writeFieldName(field.name());
                write(out, record.get(field.pos()));
            }
            out.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
                out.writeFieldName(entry.getKey().toString());
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            out.writeStartArray();
            for (Object item : items) {
                write(out, item);
            }
            out.writeEndArray();
        } else if (value instanceof Integer i) {
            out.writeNumber(i);
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Float f) {
            out.writeNumber(f);
        } else if (value instanceof Double d) {
            out.writeNumber(d);
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof ByteBuffer bytes) {
            out.writeString(Base64.getEncoder().encodeToString(bytes.duplicate().array()));
        } else {
            out.writeString(value.toString()); // strings (Utf8), enum symbols, fixed
        }
    }
}
