package dev.agenttelemetry.sink.loki.push;

import dev.agenttelemetry.schemas.json.RecordJson;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Maps one of our Avro records to a Loki entry within Loki's default limits, by construction. Labels are few
 * and of low cardinality (Loki indexes them): service and kind, plus the configured record fields
 * (at most 15 in all, names made valid, values cut at 2,048 characters, empty ones left out). High-cardinality
 * fields go to structured metadata (values cut at 4,096 characters). The line is the record as compact JSON,
 * cut at Loki's 256 KB limit with a marker. The timestamp is the Kafka record's, so a redelivered record
 * becomes the identical entry, which Loki stores once.
 */
public final class RecordToEntry {
    public static final int MAX_LINE_BYTES = 262_144;
    static final int MAX_LABEL_VALUE_CHARS = 2_048;
    static final int MAX_METADATA_VALUE_CHARS = 4_096;
    /** Loki refuses more than 64 KB of structured metadata per entry; keep well below. */
    static final int MAX_METADATA_BYTES = 60_000;
    private static final Pattern INVALID_LABEL_CHARS = Pattern.compile("[^a-zA-Z0-9_]");

    private final Map<String, String> fieldLabels;
    private final List<String> metadataFields;

    /**
     * @param fieldLabels    record field → label name, for the fields a record has
     * @param metadataFields record fields sent as structured metadata
     */
    public RecordToEntry(Map<String, String> fieldLabels, List<String> metadataFields) {
        this.fieldLabels = new LinkedHashMap<>();
        fieldLabels.forEach((field, label) -> this.fieldLabels.put(field, labelName(label)));
        this.metadataFields = List.copyOf(metadataFields);
    }

    /** @param record an Avro record (our deserializer) or a Connect {@link Struct} (a converter such as AvroConverter) */
    public LokiEntry map(long timestampMillis, Object record) {
        SortedMap<String, String> labels = new TreeMap<>();
        labels.put("service", "agent-telemetry");
        labels.put("kind", kindOf(recordName(record)));
        fieldLabels.forEach((field, label) -> {
            String value = fieldValue(record, field);
            if (value != null && !value.isEmpty() && labels.size() < 15) {
                labels.putIfAbsent(label, cut(value, MAX_LABEL_VALUE_CHARS));
            }
        });
        SortedMap<String, String> metadata = new TreeMap<>();
        int metadataBytes = 0;
        for (String field : metadataFields) {
            String value = fieldValue(record, field);
            if (value != null && !value.isEmpty()) {
                String name = labelName(field);
                String kept = cut(value, Math.min(MAX_METADATA_VALUE_CHARS, (MAX_METADATA_BYTES - metadataBytes - name.length()) / 4));
                if (!kept.isEmpty()) {
                    metadata.put(name, kept);
                    metadataBytes += name.length() + LokiEntry.utf8Length(kept);
                }
            }
        }
        return new LokiEntry(labels, timestampMillis * 1_000_000L, limitLine(toJson(record)), metadata);
    }

    private static String fieldValue(Object record, String field) {
        Object value = null;
        if (record instanceof GenericRecord avro && avro.getSchema().getField(field) != null) {
            value = avro.get(field);
        } else if (record instanceof Struct struct && struct.schema().field(field) != null) {
            value = struct.get(field);
        }
        return value == null ? null : value.toString();
    }

    private static String recordName(Object record) {
        String name = record instanceof GenericRecord avro ? avro.getSchema().getName()
                : record instanceof Struct struct && struct.schema().name() != null ? struct.schema().name() : "record";
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** A valid Loki label name: letters, digits and '_', not starting with a digit. */
    static String labelName(String name) {
        String valid = INVALID_LABEL_CHARS.matcher(name).replaceAll("_");
        return valid.isEmpty() || Character.isDigit(valid.charAt(0)) ? "_" + valid : valid;
    }

    private static String cut(String value, int maxChars) {
        return value.length() <= maxChars ? value : value.substring(0, Math.max(0, maxChars));
    }

    /** The line, or its start with a marker saying how much was cut, within Loki's line limit. */
    static String limitLine(String line) {
        if (line.length() <= MAX_LINE_BYTES / 3 || LokiEntry.utf8Length(line) <= MAX_LINE_BYTES) {
            return line; // three bytes at most per UTF-16 unit: short lines need no count
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        String marker = "…[truncated " + bytes.length + " bytes to fit Loki's 256 KB line limit]";
        int keep = MAX_LINE_BYTES - marker.getBytes(StandardCharsets.UTF_8).length;
        while (keep > 0 && (bytes[keep] & 0xC0) == 0x80) {
            keep--; // do not cut a UTF-8 character in half
        }
        return new String(bytes, 0, keep, StandardCharsets.UTF_8) + marker;
    }

    private static String kindOf(String recordName) {
        return switch (recordName) {
            case "AgentEvent" -> "event";
            case "SecurityAlert" -> "alert";
            case "SessionActivity" -> "session";
            default -> recordName.toLowerCase();
        };
    }

    /** The record in the pipeline's one JSON form; a Connect {@link Struct} is read as the Avro record it came from. */
    static String toJson(Object record) {
        return RecordJson.toJson(record instanceof Struct struct ? fields(struct) : record);
    }

    private static Object fields(Object value) {
        if (value instanceof Struct struct) {
            LinkedHashMap<String, Object> values = new LinkedHashMap<>();
            for (Field field : struct.schema().fields()) {
                values.put(field.name(), fields(struct.get(field)));
            }
            String name = struct.schema().name() == null ? "record" : struct.schema().name();
            return new RecordJson.Fields(name.substring(name.lastIndexOf('.') + 1), values);
        } else if (value instanceof Date date) {
            return date.toInstant(); // Connect's Timestamp, from Avro's timestamp-millis
        } else if (value instanceof List<?> items) {
            return items.stream().map(RecordToEntry::fields).toList();
        } else if (value instanceof Map<?, ?> map) {
            Map<Object, Object> converted = new LinkedHashMap<>();
            map.forEach((key, item) -> converted.put(key, fields(item)));
            return converted;
        }
        return value;
    }
}
