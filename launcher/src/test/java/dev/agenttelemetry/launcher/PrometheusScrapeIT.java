package dev.agenttelemetry.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.launcher.up.Pipeline;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.testkit.TestKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus (Debian's {@code prometheus} package, which {@code .ci/run} installs) scrapes the metrics URL
 * {@code up} prints while hooks flow through the whole pipeline, Loki sink included; then every query of the
 * pipeline-health dashboard returns data, and the scrape holds each component's own meters.
 */
class PrometheusScrapeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> COMMANDS = List.of("ls -la src", "cat .env", "sudo rm -rf /",
            "export AWS_SECRET_ACCESS_KEY=Zk4vQ2pL8sX1mN7bT3cR9wY6hJ0dF5gA2eK8uI4o", "git status");

    @Test
    void prometheusScrapesEveryComponentAndTheHealthDashboardHasData() throws Exception {
        Path prometheusBinary = prometheus();
        Path dir = TestKafka.workDir("prometheus-");
        Map<String, String> options = new HashMap<>(Map.of("broker.port", Integer.toString(FreePorts.loopback()),
                "broker.controller.port", Integer.toString(FreePorts.loopback()), "schema.registry.port", "0", "collector.port", "0",
                "connect.rest.port", "0"));
        try (FakeLoki loki = FakeLoki.start()) {
            options.put("loki.url", loki.url());
            try (Pipeline pipeline = Pipeline.start(PipelineSettings.load(dir.resolve("data"), null, options), Pipeline.Progress.silent());
                 RunningPrometheus prometheus = RunningPrometheus.start(prometheusBinary, dir.resolve("prometheus"), URI.create(pipeline.metricsUrl()))) {
                postHooks(pipeline.collectorUrl(), 0);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get(pipeline.metricsUrl()))
                        .as("each component's meters at the one URL").contains("collector_requests_total", "enricher_events_total",
                        "enricher_masks_total{kind=\"aws_secret_key\"}", "analytics_rule_evaluations_total", "analytics_alerts_total",
                        "kafka_stream_thread_process_total", "kafka_producer_record_send_total", "jvm_memory_used_bytes"));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get(pipeline.metricsUrl())).contains("loki_pushes_total{status=\"204\"}"));

                await().atMost(Duration.ofSeconds(60)).until(() -> !prometheus.query("up{job=\"agent-telemetry\"} == 1").isEmpty());
                for (int round = 1; round <= 5; round++) {
                    postHooks(pipeline.collectorUrl(), round); // traffic across several scrapes, so rates have two samples
                    String posted = Integer.toString((round + 1) * COMMANDS.size());
                    await().atMost(Duration.ofSeconds(30)).until(() -> !prometheus.query("sum(collector_hooks_total) >= " + posted).isEmpty());
                }
                List<String> queries = dashboardQueries(Path.of("..", "deploy", "grafana", "dashboards", "pipeline-health.json"));
                assertThat(queries).hasSizeGreaterThan(15);
                for (String query : queries) {
                    await(query).dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> !prometheus.query(query).isEmpty());
                }
            }
        }
    }

    private static void postHooks(String collectorUrl, int round) throws IOException, InterruptedException {
        for (String command : COMMANDS) {
            String hook = JSON.createObjectNode().put("session_id", "prom-" + round).put("hook_event_name", "PreToolUse").put("cwd", "/home/dev/shop")
                    .put("tool_name", "Bash").set("tool_input", JSON.createObjectNode().put("command", command)).toString();
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(collectorUrl + "/v1/hooks")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(hook)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
    }

    private static List<String> dashboardQueries(Path dashboard) throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("agent-telemetry-prometheus");
            panel.path("targets").forEach(target -> queries.add(target.path("expr").asText()));
        }
        return queries;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(url).isEqualTo(200);
        return answer.body();
    }

    /** Debian's prometheus, or the one PROMETHEUS_BIN names; the test says how to get it rather than skip. */
    private static Path prometheus() {
        Optional<Path> binary = Optional.ofNullable(System.getenv("PROMETHEUS_BIN")).map(Path::of)
                .or(() -> Optional.of(Path.of("/usr/bin/prometheus")).filter(Files::isExecutable));
        assertThat(binary).as("a Prometheus server: apt-get install prometheus (as .ci/run does), or set PROMETHEUS_BIN").isPresent();
        return binary.get();
    }

    /** A Prometheus server scraping one target every second, its HTTP API on a free loopback port. */
    private record RunningPrometheus(Process process, URI api) implements AutoCloseable {
        static RunningPrometheus start(Path binary, Path dir, URI target) throws IOException {
            Files.createDirectories(dir);
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: agent-telemetry
                        metrics_path: %s
                        static_configs:
                          - targets: ["%s"]
                    """.formatted(target.getPath(), target.getHost() + ":" + target.getPort()));
            int port = FreePorts.loopback();
            Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            return new RunningPrometheus(process, URI.create("http://127.0.0.1:" + port));
        }

        /** The instant query's result vector; empty when Prometheus is not up yet or the query matches nothing. */
        List<JsonNode> query(String promql) {
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(api.resolve("/api/v1/query?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode body = JSON.readTree(answer.body());
                assertThat(body.path("status").asText()).as(promql + ": " + answer.body()).isEqualTo("success");
                List<JsonNode> result = new ArrayList<>();
                body.path("data").path("result").forEach(result::add);
                return result;
            } catch (IOException e) {
                return List.of(); // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }
}
