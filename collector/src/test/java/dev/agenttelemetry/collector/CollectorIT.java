package dev.agenttelemetry.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.agenttelemetry.collector.CollectorFixture.get;
import static dev.agenttelemetry.collector.CollectorFixture.hook;
import static dev.agenttelemetry.collector.CollectorFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

class CollectorIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-collector");
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    private static CollectorFixture fixture(String topic) throws Exception {
        return new CollectorFixture(TestKafka.bootstrapServers(), registry.url(), topic, TestKafka.workDir("collector-"));
    }

    @Test
    void answersEachKindOfBadInputWithItsStatusAndNeverEchoesThePayload() throws Exception {
        CollectorFixture fixture = fixture("raw-bad-input");
        try (Collector collector = fixture.start(Map.of("collector.max.body.bytes", "4096"))) {
            String hooks = collector.url() + "/v1/hooks";
            HttpResponse<String> malformed = post(hooks, "application/json", "{\"session_id\":\"" + SECRET + "\", oops}");
            assertThat(malformed.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(malformed.body());
            assertThat(error.path("code").asInt()).isEqualTo(400);
            assertThat(error.path("validation_errors").get(0).asText()).startsWith("malformed JSON at line 1, column");
            assertThat(malformed.body()).doesNotContain(SECRET);

            HttpResponse<String> missing = post(hooks, "application/json", "{\"tool_input\":{\"command\":\"" + SECRET + "\"}}");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.body()).contains("missing required field 'session_id'", "missing required field 'hook_event_name'").doesNotContain(SECRET);

            assertThat(post(hooks, "application/json", "[1,2]").statusCode()).isEqualTo(400);
            assertThat(post(hooks, "application/json", "{\"session_id\":7,\"hook_event_name\":\"Stop\"}").body())
                    .contains("'session_id' must be a non-empty string");
            HttpResponse<String> wrongType = post(hooks, "text/plain", hook("s", "Stop", 1));
            assertThat(wrongType.statusCode()).isEqualTo(415);
            assertThat(wrongType.body()).contains("application/json", "text/plain");
            assertThat(post(hooks, null, hook("s", "Stop", 1)).statusCode()).isEqualTo(415);
            HttpResponse<String> tooLarge = post(hooks, "application/json", "{\"session_id\":\"s\",\"x\":\"" + "a".repeat(5000) + "\"}");
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("collector.max.body.bytes");
            // Asking first (Expect: 100-continue, as curl does above 1 MB) gets the same reason, not a bare 413. A raw socket:
            // the JDK 17 HttpClient waits for ever when the answer to an expectation is not 100.
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", java.net.URI.create(hooks).getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST /v1/hooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 413").contains("application/json");
                assertThat(new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("message").asText())
                        .contains("collector.max.body.bytes");
            }
            assertThat(get(hooks).statusCode()).isEqualTo(405);
            assertThat(get(collector.url() + "/nowhere").statusCode()).isEqualTo(404);

            String metrics = get(collector.url() + "/metrics").body();
            assertThat(metrics).contains("collector_rejections_total{reason=\"invalid_hook\"} 4.0",
                    "collector_rejections_total{reason=\"unsupported_media_type\"} 2.0", "collector_rejections_total{reason=\"too_large\"} 2.0");
        }
    }

    @Test
    void publishesValidHooksKeyedBySessionWithAnEmptyAnswerAndContext() throws Exception {
        CollectorFixture fixture = fixture("raw-valid");
        Path repo = fixture.dataDir.resolve("shop");
        Files.createDirectories(repo.resolve(".git/refs/heads"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(repo.resolve(".git/refs/heads/main"), "89abcdef0123456789abcdef0123456789abcdef\n");
        try (Collector collector = fixture.start(Map.of())) {
            String hooks = collector.url() + "/v1/hooks";
            HttpResponse<String> first = post(hooks, "application/json",
                    "{\"session_id\":\"s-1\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"" + repo + "\",\"tool_name\":\"Read\"}");
            HttpResponse<String> camel = post(hooks, "application/json; charset=utf-8",
                    "{\"sessionId\":\"s-2\",\"hookEventName\":\"PostToolUse\",\"tool_name\":\"Agent\"}");
            HttpResponse<String> cursor = post(hooks, "application/json",
                    "{\"conversation_id\":\"c-3\",\"hook_event_name\":\"beforeShellExecution\",\"workspace_roots\":[\"/work/x\"]}", "X-Agent-Source", "cursor");
            HttpResponse<String> future = post(hooks, "application/json", "{\"session_id\":\"s-1\",\"hook_event_name\":\"SomethingNew\"}");
            for (HttpResponse<String> answer : List.of(first, camel, cursor, future)) {
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).isEmpty();
                assertThat(UUID.fromString(answer.headers().firstValue("X-Event-Id").orElseThrow()).version()).isEqualTo(7);
            }
            assertThat(first.headers().firstValue("X-Event-Id").orElseThrow())
                    .as("time-ordered ids").isLessThan(future.headers().firstValue("X-Event-Id").orElseThrow());

            Map<String, HookEnvelope> byId = new java.util.HashMap<>();
            for (ConsumerRecord<String, HookEnvelope> r : fixture.readRaw(4, Duration.ofSeconds(30))) {
                assertThat(r.key()).isEqualTo(r.value().getSessionId());
                byId.put(r.value().getEventId(), r.value());
            }
            HookEnvelope read = byId.get(first.headers().firstValue("X-Event-Id").orElseThrow());
            assertThat(read.getPayload()).contains("\"tool_name\":\"Read\"");
            assertThat(read.getGitRoot()).isEqualTo(repo.toString());
            assertThat(read.getGitBranch()).isEqualTo("main");
            assertThat(read.getGitCommit()).isEqualTo("89abcdef0123456789abcdef0123456789abcdef");
            assertThat(read.getHost()).isNotBlank();
            assertThat(byId.get(camel.headers().firstValue("X-Event-Id").orElseThrow()).getSessionId()).isEqualTo("s-2");
            HookEnvelope fromCursor = byId.get(cursor.headers().firstValue("X-Event-Id").orElseThrow());
            assertThat(fromCursor.getSessionId()).isEqualTo("c-3");
            assertThat(fromCursor.getCwd()).isEqualTo("/work/x");
            assertThat(fromCursor.getSource()).isEqualTo("cursor");
            assertThat(fromCursor.getKnownHookEvent()).isTrue();
            assertThat(byId.get(future.headers().firstValue("X-Event-Id").orElseThrow()).getKnownHookEvent()).isFalse();

            assertThat(get(collector.url() + "/readyz").statusCode()).isEqualTo(200);
            assertThat(get(collector.url() + "/healthz").body()).isEqualTo("ok\n");
            assertThat(get(collector.url() + "/metrics").body()).contains("collector_requests_total{endpoint=\"/v1/hooks\",status=\"200\"} 4.0",
                    "collector_produce_latency_seconds_count 4", "collector_spool_pending_events 0.0");
        }
    }

    @Test
    void keepsTheValidEventsOfABatchAndSaysWhichWereRejected() throws Exception {
        CollectorFixture fixture = fixture("raw-batch");
        try (Collector collector = fixture.start(Map.of())) {
            String array = "[" + hook("b-1", "PreToolUse", 1) + ",{\"hook_event_name\":\"Stop\"}," + hook("b-1", "PostToolUse", 2) + "]";
            HttpResponse<String> answer = post(collector.url() + "/v1/hooks/batch", "application/json", array);
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.path("accepted").asInt()).isEqualTo(2);
            assertThat(body.path("rejected").get(0).path("index").asInt()).isEqualTo(1);
            assertThat(body.path("rejected").get(0).path("validation_errors").get(0).asText()).contains("session_id");

            String ndjson = hook("b-2", "PreToolUse", 3) + "\n{not json\n" + hook("b-2", "PostToolUse", 4) + "\n";
            JsonNode second = JSON.readTree(post(collector.url() + "/v1/hooks/batch", "application/x-ndjson", ndjson).body());
            assertThat(second.path("accepted").asInt()).isEqualTo(2);
            assertThat(second.path("rejected").get(0).path("index").asInt()).isEqualTo(1);

            HttpResponse<String> allBad = post(collector.url() + "/v1/hooks/batch", "application/json", "[{},{}]");
            assertThat(allBad.statusCode()).isEqualTo(400);

            // A duplicated key is refused the same way in an array, in NDJSON and alone: JSON leaves open which one counts.
            String twice = "{\"session_id\":\"b-3\",\"session_id\":\"b-4\",\"hook_event_name\":\"Stop\"}";
            for (String[] batch : List.of(new String[] {"application/json", "[" + twice + "]"}, new String[] {"application/x-ndjson", twice + "\n"})) {
                JsonNode duplicated = JSON.readTree(post(collector.url() + "/v1/hooks/batch", batch[0], batch[1]).body());
                assertThat(duplicated.path("rejected").get(0).path("validation_errors").get(0).asText()).as(batch[0])
                        .isEqualTo("field 'session_id' appears more than once");
            }
            assertThat(post(collector.url() + "/v1/hooks", "application/json", twice).body()).contains("field 'session_id' appears more than once");

            List<ConsumerRecord<String, HookEnvelope>> records = fixture.readRaw(4, Duration.ofSeconds(30));
            assertThat(records).hasSize(4);
            assertThat(records.stream().filter(r -> r.key().equals("b-1")).map(r -> r.value().getHookEventName()))
                    .as("order within a session").containsExactly("PreToolUse", "PostToolUse");
        }
    }

    @Test
    void takesAnEightHundredKilobytePayloadLikeAWholeFileInAWriteResponse() throws Exception {
        CollectorFixture fixture = fixture("raw-large");
        String content = "x".repeat(800 * 1024);
        try (Collector collector = fixture.start(Map.of())) {
            HttpResponse<String> answer = post(collector.url() + "/v1/hooks", "application/json",
                    "{\"session_id\":\"big\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"content\":\"" + content + "\"}}");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Spooled")).isEmpty();
            List<ConsumerRecord<String, HookEnvelope>> records = fixture.readRaw(1, Duration.ofSeconds(30));
            assertThat(records.get(0).value().getPayload()).hasSizeGreaterThan(800 * 1024);
        }
    }

    @Test
    void answers503WhenMoreRequestsAreInFlightThanConfigured() throws Exception {
        CollectorFixture fixture = fixture("raw-overload");
        // Kafka that is not there keeps the first request waiting for its acknowledgement (then it is spooled).
        try (Collector collector = Collector.start(CollectorConfig.from(new dev.agenttelemetry.config.ConfigReader(Map.of(
                        "collector.port", "0", "collector.max.in.flight", "1", "collector.ack.timeout.ms", "3000"), "test"),
                "127.0.0.1:1", fixture.raw.name(), fixture.dataDir), fixture.raw, fixture.otlp)) {
            var first = CollectorFixture.HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(collector.url() + "/v1/hooks"))
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(hook("ov", "Stop", 1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (!get(collector.url() + "/metrics").body().contains("collector_requests_in_flight 1.0") && System.nanoTime() < deadline) {
                Thread.sleep(20); // until the first request is in flight, waiting for Kafka
            }
            HttpResponse<String> second = post(collector.url() + "/v1/hooks", "application/json", hook("ov", "Stop", 2));
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.body()).contains("overloaded");
            HttpResponse<String> firstAnswer = first.get();
            assertThat(firstAnswer.statusCode()).isEqualTo(200);
            assertThat(firstAnswer.headers().firstValue("X-Spooled")).hasValue("true");
        }
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        var config = new dev.agenttelemetry.config.ConfigReader(Map.of("collector.host", "0.0.0.0"), "test");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CollectorConfig.from(config, "k:9092", "raw", Path.of("/tmp")))
                .isInstanceOf(dev.agenttelemetry.config.ConfigException.class)
                .hasMessageContaining("collector.host").hasMessageContaining("collector.auth.token");
        var withToken = new dev.agenttelemetry.config.ConfigReader(Map.of("collector.host", "0.0.0.0", "collector.auth.token", "t0ken"), "test");
        assertThat(CollectorConfig.from(withToken, "k:9092", "raw", Path.of("/tmp")).toString()).contains("[hidden]").doesNotContain("t0ken");
    }

    @Test
    void requiresTheBearerTokenWhenOneIsConfigured() throws Exception {
        CollectorFixture fixture = fixture("raw-auth");
        try (Collector collector = fixture.start(Map.of("collector.auth.token", "s3cret-token"))) {
            String hooks = collector.url() + "/v1/hooks";
            HttpResponse<String> none = post(hooks, "application/json", hook("a", "Stop", 1));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(post(hooks, "application/json", hook("a", "Stop", 1), "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(post(hooks, "application/json", hook("a", "Stop", 1), "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            assertThat(get(collector.url() + "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void ingestsTheFallbackFileWrittenWhileTheCollectorWasDown() throws Exception {
        CollectorFixture fixture = fixture("raw-fallback");
        Path fallback = fixture.dataDir.resolve("collector").resolve("fallback.ndjson");
        Files.createDirectories(fallback.getParent());
        Files.writeString(fallback, "1700000000000\t" + hook("f-1", "SessionStart", 1) + "\nnot a hook\n" + hook("f-1", "SessionStart", 2) + "\n");
        try (Collector collector = fixture.start(Map.of())) {
            List<ConsumerRecord<String, HookEnvelope>> records = fixture.readRaw(2, Duration.ofSeconds(30));
            assertThat(records).hasSize(2);
            assertThat(records.get(0).value().getReceivedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
            assertThat(fallback).doesNotExist();
            assertThat(Files.readString(fallback.resolveSibling("fallback.ndjson.rejected"))).isEqualTo("not a hook\n");
        }
    }
}
