package dev.agenttelemetry.collector.otlp;

import com.google.protobuf.ByteString;
import dev.agenttelemetry.avro.OtlpLogRecord;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both OTLP encodings of one export give the same records; JSON as the OTLP specification writes it (hex ids, int64 as strings). */
class OtlpLogsParserTest {
    private static final Instant RECEIVED = Instant.parse("2026-12-01T10:00:00Z");
    private static final String JSON = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},
              "scopeLogs":[{"scope":{"name":"com.anthropic.claude_code.events","version":"2.0.1"},
                "logRecords":[{"timeUnixNano":"1764583200000000000","observedTimeUnixNano":"1764583200000000001",
                  "severityNumber":9,"severityText":"INFO","eventName":"claude_code.api_request",
                  "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","someFutureField":true,
                  "body":{"stringValue":"claude_code.api_request"},
                  "attributes":[{"key":"session.id","value":{"stringValue":"otel-s1"}},
                    {"key":"input_tokens","value":{"intValue":"1200"}},{"key":"cost_usd","value":{"doubleValue":0.25}},
                    {"key":"tools","value":{"arrayValue":{"values":[{"stringValue":"Bash"},{"intValue":"2"}]}}}]}]}]}]}
            """;

    private final OtlpLogsParser parser = new OtlpLogsParser(() -> "id");

    @Test
    void readsJsonAndProtobufOfTheSameExportAlike() throws Exception {
        List<OtlpLogRecord> fromJson = new ArrayList<>();
        parser.parseJson(JSON.getBytes(StandardCharsets.UTF_8), RECEIVED, fromJson);
        List<OtlpLogRecord> fromProtobuf = new ArrayList<>();
        parser.parseProtobuf(protobufExport().toByteArray(), RECEIVED, fromProtobuf);

        assertThat(fromJson).hasSize(1).isEqualTo(fromProtobuf);
        OtlpLogRecord record = fromJson.get(0);
        assertThat(record.getSessionId()).isEqualTo("otel-s1");
        assertThat(record.getEventName()).isEqualTo("claude_code.api_request");
        assertThat(record.getTimeUnixNano()).isEqualTo(1764583200000000000L);
        assertThat(record.getAttributes()).containsEntry("input_tokens", "1200").containsEntry("cost_usd", "0.25")
                .containsEntry("tools", "[\"Bash\",\"2\"]");
        assertThat(record.getResourceAttributes()).containsEntry("service.name", "claude-code");
        assertThat(record.getScopeVersion()).isEqualTo("2.0.1");
    }

    @Test
    void saysWhatIsWrongWithABodyThatIsNotAnExport() {
        assertThatThrownBy(() -> parser.parseJson("{\"resourceLogs\":3}".getBytes(StandardCharsets.UTF_8), RECEIVED, new ArrayList<>()))
                .isInstanceOf(OtlpLogsParser.Invalid.class).hasMessageContaining("\"resourceLogs\" array");
        assertThatThrownBy(() -> parser.parseJson("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}"
                .getBytes(StandardCharsets.UTF_8), RECEIVED, new ArrayList<>()))
                .isInstanceOf(OtlpLogsParser.Invalid.class).hasMessageContaining("not an OTLP logs request in JSON");
        assertThatThrownBy(() -> parser.parseJson("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"xyz\"}]}]}]}"
                .getBytes(StandardCharsets.UTF_8), RECEIVED, new ArrayList<>()))
                .isInstanceOf(OtlpLogsParser.Invalid.class).hasMessage("\"traceId\" of a log record is not hex");
        assertThatThrownBy(() -> parser.parseProtobuf(new byte[]{(byte) 0xff, 0x01}, RECEIVED, new ArrayList<>()))
                .isInstanceOf(OtlpLogsParser.Invalid.class).hasMessageContaining("not an OTLP ExportLogsServiceRequest in protobuf");
    }

    private static ExportLogsServiceRequest protobufExport() {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", AnyValue.newBuilder().setStringValue("claude-code"))))
                .addScopeLogs(ScopeLogs.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("com.anthropic.claude_code.events").setVersion("2.0.1"))
                        .addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1764583200000000000L).setObservedTimeUnixNano(1764583200000000001L)
                                .setSeverityNumberValue(9).setSeverityText("INFO").setEventName("claude_code.api_request")
                                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("5b8efff798038103d269b633813fc60c")))
                                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("eee19b7ec3c1b174")))
                                .setBody(AnyValue.newBuilder().setStringValue("claude_code.api_request"))
                                .addAttributes(attribute("session.id", AnyValue.newBuilder().setStringValue("otel-s1")))
                                .addAttributes(attribute("input_tokens", AnyValue.newBuilder().setIntValue(1200)))
                                .addAttributes(attribute("cost_usd", AnyValue.newBuilder().setDoubleValue(0.25)))
                                .addAttributes(attribute("tools", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                                        .addValues(AnyValue.newBuilder().setStringValue("Bash")).addValues(AnyValue.newBuilder().setIntValue(2)))))))).build();
    }

    private static KeyValue attribute(String key, AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
