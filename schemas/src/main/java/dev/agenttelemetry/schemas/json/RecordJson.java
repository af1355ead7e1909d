package dev.agenttelemetry.schemas.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one JSON form of the pipeline's records, wherever they are shown: Loki lines, {@code log --format json},
 * webhook and e-mail alerts. Field names as in the schema and in its order; times as ISO-8601 UTC; enum symbols
 * as strings; maps with sorted keys; nulls kept; bytes in base64. Fields that carry JSON text (an event's masked
 * hook payload) are embedded as JSON, so LogQL's {@code | json} and {@code jq} reach inside them.
 */
public final class RecordJson {
    /** Fields whose string value is JSON text, as {@code Record.field}. */
    private static final Set<String> JSON_TEXT_FIELDS = Set.of("AgentEvent.payload");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    /**
     * A record that is not Avro (a Connect {@code Struct}, say), given as its name and its fields in order, nested
     * records as {@code Fields} too and times as {@link Instant}.
     */
    public record Fields(String recordName, LinkedHashMap<String, Object> values) {
    }

    private RecordJson() {
    }

    public static String toJson(Object record) {
        StringWriter out = new StringWriter(4096); // most records fit: no growing copies
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            write(generator, record, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The record as a tree, for pretty printing. */
    public static ObjectNode toNode(GenericRecord record) {
        try {
            return (ObjectNode) MAPPER.readTree(toJson(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(JsonGenerator out, Object value, Schema schema) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof GenericRecord record) {
            out.writeStartObject();
            String name = record.getSchema().getName();
            for (Schema.Field field : record.getSchema().getFields()) {
                out.writeFieldName(field.name());
                writeField(out, name, field.name(), record.get(field.pos()), field.schema());
            }
            out.writeEndObject();
        } else if (value instanceof Fields fields) {
            out.writeStartObject();
            for (Map.Entry<String, Object> field : fields.values().entrySet()) {
                out.writeFieldName(field.getKey());
                writeField(out, fields.recordName(), field.getKey(), field.getValue(), null);
            }
            out.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            Schema values = schema == null ? null : nonNull(schema).getType() == Schema.Type.MAP ? nonNull(schema).getValueType() : null;
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : new TreeMap<>(stringKeys(map)).entrySet()) {
                out.writeFieldName(entry.getKey().toString());
                write(out, entry.getValue(), values);
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            Schema elements = schema == null ? null : nonNull(schema).getType() == Schema.Type.ARRAY ? nonNull(schema).getElementType() : null;
            out.writeStartArray();
            for (Object item : items) {
                write(out, item, elements);
            }
            out.writeEndArray();
        } else if (value instanceof Long l && schema != null && nonNull(schema).getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            out.writeString(Instant.ofEpochMilli(l).toString());
        } else if (value instanceof Instant instant) {
            out.writeString(instant.toString());
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
            ByteBuffer copy = bytes.duplicate();
            byte[] array = new byte[copy.remaining()];
            copy.get(array);
            out.writeString(Base64.getEncoder().encodeToString(array));
        } else if (value instanceof byte[] bytes) {
            out.writeString(Base64.getEncoder().encodeToString(bytes));
        } else {
            out.writeString(value.toString()); // strings (Utf8), enum symbols, fixed
        }
    }

    private static void writeField(JsonGenerator out, String recordName, String field, Object value, Schema schema) throws IOException {
        if (value instanceof CharSequence text && JSON_TEXT_FIELDS.contains(recordName + "." + field) && isJson(text.toString())) {
            out.writeRawValue(text.toString());
        } else {
            write(out, value, schema);
        }
    }

    /**
     * Whether the text is a JSON object as the enricher writes payloads: the schema's contract for the field, so the
     * ends are checked rather than the whole text parsed again on the sink's hot path.
     */
    private static boolean isJson(String text) {
        int first = 0;
        int last = text.length() - 1;
        while (first <= last && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        while (last >= first && Character.isWhitespace(text.charAt(last))) {
            last--;
        }
        return first < last && text.charAt(first) == '{' && text.charAt(last) == '}';
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> keyed = new LinkedHashMap<>();
        map.forEach((key, item) -> keyed.put(key.toString(), item)); // Avro's Utf8 keys do not compare with String
        return keyed;
    }
}
