package dev.agenttelemetry.collector.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
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
import java.util.HexFormat;
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
        try {
            read(ExportLogsServiceRequest.parseFrom(body), receivedAt, out);
        } catch (InvalidProtocolBufferException e) {
            throw new Invalid("not an OTLP ExportLogsServiceRequest in protobuf: " + e.getMessage());
        }
    }

    /**
     * OTLP's JSON encoding is protobuf's JSON mapping (read by protobuf's own {@link JsonFormat}), except that trace
     * and span ids are hex, not base64: they are turned into base64 first.
     */
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
            for (JsonNode scopeLogs : resourceLogs.path("scopeLogs")) {
                for (JsonNode logRecord : scopeLogs.path("logRecords")) {
                    if (logRecord instanceof ObjectNode object) {
                        hexToBase64(object, "traceId");
                        hexToBase64(object, "spanId");
                    }
                }
            }
        }
        ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(root.toString(), request);
        } catch (InvalidProtocolBufferException e) {
            throw new Invalid("not an OTLP logs request in JSON: " + e.getMessage());
        }
        read(request.build(), receivedAt, out);
    }

    private static void hexToBase64(ObjectNode logRecord, String field) throws Invalid {
        JsonNode id = logRecord.get(field);
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            return;
        }
        try {
            logRecord.put(field, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(id.asText())));
        } catch (IllegalArgumentException e) {
            throw new Invalid("\"" + field + "\" of a log record is not hex");
        }
    }

    private void read(ExportLogsServiceRequest request, Instant receivedAt, List<OtlpLogRecord> out) {
        for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
            Map<String, String> resource = attributes(resourceLogs.getResource().getAttributesList());
            for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
                for (LogRecord record : scopeLogs.getLogRecordsList()) {
                    out.add(record(receivedAt, attributes(record.getAttributesList()), resource, record.getEventName(),
                            record.getTimeUnixNano(), record.getObservedTimeUnixNano(), record.getSeverityNumberValue(),
                            record.getSeverityText(), record.hasBody() ? text(record.getBody()) : null,
                            scopeLogs.getScope().getName(), scopeLogs.getScope().getVersion()));
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

    private static Map<String, String> attributes(List<KeyValue> attributes) {
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

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
