package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import static dev.agenttelemetry.collector.CollectorFixture.postBytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Claude Code's native telemetry export (OTLP/HTTP logs, JSON and protobuf) lands on the OTLP topic keyed by session. */
class OtlpLogsIT {
    private static final String JSON_EXPORT = """
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},
              "scopeLogs":[{"scope":{"name":"com.anthropic.claude_code.events","version":"2.0.0"},
                "logRecords":[{"timeUnixNano":"1763900000000000000","observedTimeUnixNano":"1763900000000000001",
                  "body":{"stringValue":"claude_code.tool_result"},
                  "attributes":[{"key":"event.name","value":{"stringValue":"tool_result"}},
                                {"key":"session.id","value":{"stringValue":"otel-s2"}},
                                {"key":"prompt.id","value":{"stringValue":"p-9"}},
                                {"key":"duration_ms","value":{"intValue":"42"}},
                                {"key":"success","value":{"boolValue":true}}]}]}]}]}""";

    private static KeyValue attribute(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static AnyValue string(String value) {
        return AnyValue.newBuilder().setStringValue(value).build();
    }

    private static byte[] protobufExport() {
        LogRecord apiRequest = LogRecord.newBuilder()
                .setTimeUnixNano(1_763_900_000_000_000_000L)
                .setBody(string("claude_code.api_request"))
                .addAttributes(attribute("event.name", string("api_request")))
                .addAttributes(attribute("session.id", string("otel-s1")))
                .addAttributes(attribute("prompt.id", string("p-1")))
                .addAttributes(attribute("model", string("claude-sonnet-4-5")))
                .addAttributes(attribute("cost_usd", AnyValue.newBuilder().setDoubleValue(0.0123).build()))
                .addAttributes(attribute("input_tokens", AnyValue.newBuilder().setIntValue(1500).build()))
                .build();
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", string("claude-code"))))
                .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("com.anthropic.claude_code.events"))
                        .addLogRecords(apiRequest))).build().toByteArray();
    }

    @Test
    void storesProtobufAndJsonExportsAndAnswersAsTheSpecificationSays() throws Exception {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-otlp")) {
            CollectorFixture fixture = new CollectorFixture(TestKafka.bootstrapServers(), registry.url(), "raw-otlp", TestKafka.workDir("otlp-"));
            try (Collector collector = fixture.start(Map.of())) {
                String logs = collector.url() + "/v1/logs";
                HttpResponse<byte[]> protobuf = postBytes(logs, "application/x-protobuf", protobufExport());
                assertThat(protobuf.statusCode()).isEqualTo(200);
                assertThat(protobuf.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
                assertThat(protobuf.body()).isEmpty(); // an ExportLogsServiceResponse without partial success

                HttpResponse<byte[]> json = postBytes(logs, "application/json", JSON_EXPORT.getBytes(StandardCharsets.UTF_8));
                assertThat(json.statusCode()).isEqualTo(200);
                assertThat(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo("{}");

                ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
                try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
                    gzip.write(JSON_EXPORT.replace("otel-s2", "otel-s3").getBytes(StandardCharsets.UTF_8));
                }
                assertThat(postBytes(logs, "application/json", gzipped.toByteArray(), "Content-Encoding", "gzip").statusCode()).isEqualTo(200);

                HttpResponse<byte[]> badProtobuf = postBytes(logs, "application/x-protobuf", new byte[]{(byte) 0xff, 0x01, 0x02});
                assertThat(badProtobuf.statusCode()).isEqualTo(400);
                HttpResponse<byte[]> badJson = postBytes(logs, "application/json", "{\"resourceLogs\":3}".getBytes(StandardCharsets.UTF_8));
                assertThat(badJson.statusCode()).isEqualTo(400);
                assertThat(new String(badJson.body(), StandardCharsets.UTF_8)).contains("\"code\":3", "resourceLogs");

                Map<String, OtlpLogRecord> bySession = fixture.read(fixture.otlp, 3, Duration.ofSeconds(30)).stream()
                        .peek(r -> assertThat(r.key()).isEqualTo(r.value().getSessionId()))
                        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
                OtlpLogRecord api = bySession.get("otel-s1");
                assertThat(api.getEventName()).isEqualTo("api_request");
                assertThat(api.getPromptId()).isEqualTo("p-1");
                assertThat(api.getBody()).isEqualTo("claude_code.api_request");
                assertThat(api.getAttributes()).containsEntry("cost_usd", "0.0123").containsEntry("input_tokens", "1500").containsEntry("model", "claude-sonnet-4-5");
                assertThat(api.getResourceAttributes()).containsEntry("service.name", "claude-code");
                assertThat(api.getScopeName()).isEqualTo("com.anthropic.claude_code.events");
                assertThat(api.getTimeUnixNano()).isEqualTo(1_763_900_000_000_000_000L);
                OtlpLogRecord tool = bySession.get("otel-s2");
                assertThat(tool.getEventName()).isEqualTo("tool_result");
                assertThat(tool.getAttributes()).containsEntry("duration_ms", "42").containsEntry("success", "true");
                assertThat(tool.getObservedTimeUnixNano()).isEqualTo(1_763_900_000_000_000_001L);
                assertThat(bySession).containsKey("otel-s3");
            }
        }
    }
}
