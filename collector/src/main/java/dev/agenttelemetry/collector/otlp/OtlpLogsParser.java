package dev.agenttelemetry.collector.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.agenttelemetry.avro.OtlpLogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads an OTLP/HTTP logs export request, in protobuf ({@code application/x-protobuf}) or in OTLP's JSON
 * mapping ({@code application/json}), into one {@link OtlpLogRecord} per log record.
 */
public final class OtlpLogsParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A body that is not an OTLP logs request; the message never quotes it. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private final Supplier<String> eventIds;

    public OtlpLogsParser(Supplier<String> eventIds) {
        this.eventIds = eventIds;
    }

    public void parseProtobuf(byte[] body, Instant receivedAt, List<OtlpLogRecord> out) throws Invalid {
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new Invalid("not an OTLP ExportLogsServiceRequest in protobuf: " + e.getMessage());
        }
        for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
            Map<String, String> resource = protoAttributes(resourceLogs.getResource().getAttributesList());
            for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
                for (LogRecord record : scopeLogs.getLogRecordsList()) {
                    out.add(record(receivedAt, protoAttributes(record.getAttributesList()), resource, record.getEventName(),
                            record.getTimeUnixNano(), record.getObservedTimeUnixNano(), record.getSeverityNumberValue(),
                            record.getSeverityText(), record.hasBody() ? text(record.getBody()) : null,
                            scopeLogs.getScope().getName(), scopeLogs.getScope().getVersion()));
                }
            }
        }
    }

    public void parseJson(byte[] body, Instant receivedAt, List<OtlpLogRecord> out) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new Invalid("malformed JSON in the OTLP logs request");
        }
        if (root == null || !root.isObject() || !root.path("resourceLogs").isArray()) {
            throw new Invalid("an OTLP logs request needs a \"resourceLogs\" array");
        }
        for (JsonNode resourceLogs : root.path("resourceLogs")) {
            Map<String, String> resource = jsonAttributes(resourceLogs.path("resource").path("attributes"));
            for (JsonNode scopeLogs : resourceLogs.path("scopeLogs")) {
                JsonNode scope = scopeLogs.path("scope");
                for (JsonNode record : scopeLogs.path("logRecords")) {
                    out.add(record(receivedAt, jsonAttributes(record.path("attributes")), resource, record.path("eventName").asText(""),
                            record.path("timeUnixNano").asLong(0), record.path("observedTimeUnixNano").asLong(0),
                            record.path("severityNumber").asInt(0), record.path("severityText").asText(""),
                            record.has("body") ? text(record.get("body")) : null,
                            scope.path("name").asText(""), scope.path("version").asText("")));
                }
            }
        }
    }

    private OtlpLogRecord record(Instant receivedAt, Map<String, String> attributes, Map<String, String> resource, String eventName,
                                 long time, long observed, int severity, String severityText, String body, String scopeName, String scopeVersion) {
        String name = !eventName.isEmpty() ? eventName : attributes.get("event.name");
        return OtlpLogRecord.newBuilder()
                .setEventId(eventIds.get())
                .setReceivedAt(receivedAt)
                .setSessionId(attributes.getOrDefault("session.id", "unknown"))
                .setEventName(name)
                .setPromptId(attributes.get("prompt.id"))
                .setTimeUnixNano(time)
                .setObservedTimeUnixNano(observed)
                .setSeverityNumber(severity)
                .setSeverityText(emptyToNull(severityText))
                .setBody(body)
                .setAttributes(attributes)
                .setResourceAttributes(resource)
                .setScopeName(emptyToNull(scopeName))
                .setScopeVersion(emptyToNull(scopeVersion))
                .build();
    }

    private static Map<String, String> protoAttributes(List<KeyValue> attributes) {
        Map<String, String> map = new HashMap<>();
        attributes.forEach(kv -> map.put(kv.getKey(), text(kv.getValue())));
        return map;
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
            case ARRAY_VALUE -> {
                ArrayNode array = JSON.createArrayNode();
                value.getArrayValue().getValuesList().forEach(v -> array.add(text(v)));
                yield array.toString();
            }
            case KVLIST_VALUE -> {
                ObjectNode object = JSON.createObjectNode();
                value.getKvlistValue().getValuesList().forEach(kv -> object.put(kv.getKey(), text(kv.getValue())));
                yield object.toString();
            }
            case VALUE_NOT_SET -> "";
        };
    }

    private static Map<String, String> jsonAttributes(JsonNode attributes) {
        Map<String, String> map = new HashMap<>();
        for (JsonNode kv : attributes) {
            map.put(kv.path("key").asText(), text(kv.path("value")));
        }
        return map;
    }

    /** OTLP JSON AnyValue: {"stringValue": ...} | {"intValue": "12"} | {"arrayValue": {"values": [...]}} | ... */
    private static String text(JsonNode value) {
        if (value.has("stringValue")) {
            return value.get("stringValue").asText();
        }
        if (value.has("intValue") || value.has("doubleValue") || value.has("boolValue") || value.has("bytesValue")) {
            return value.elements().next().asText();
        }
        if (value.has("arrayValue")) {
            ArrayNode array = JSON.createArrayNode();
            value.path("arrayValue").path("values").forEach(v -> array.add(text(v)));
            return array.toString();
        }
        if (value.has("kvlistValue")) {
            ObjectNode object = JSON.createObjectNode();
            value.path("kvlistValue").path("values").forEach(kv -> object.put(kv.path("key").asText(), text(kv.path("value"))));
            return object.toString();
        }
        return value.isValueNode() ? value.asText() : "";
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
