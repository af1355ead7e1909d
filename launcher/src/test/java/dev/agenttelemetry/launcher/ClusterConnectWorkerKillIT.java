package dev.agenttelemetry.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.sink.loki.LokiSinkConnector;
import dev.agenttelemetry.testkit.ChildJvm;
import dev.agenttelemetry.testkit.TestKafka;
import dev.agenttelemetry.topics.TopicLayout;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill 3 on a 3-node cluster: the Loki sink in a Kafka Connect cluster of two distributed workers, with a task on
 * each; one worker is killed with SIGKILL under load. Its task moves to the other worker, and every event still
 * reaches Loki exactly once.
 */
class ClusterConnectWorkerKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTOR = "drill-loki-sink";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aDistributedWorkerKilledHandsItsTaskOverAndLokiGetsEveryEventOnce() throws Exception {
        try (ClusterDrill drill = ClusterDrill.start("cluster-connect", false)) {
            List<Process> workers = new ArrayList<>();
            List<String> urls = new ArrayList<>();
            try {
                for (int worker = 1; worker <= 2; worker++) {
                    int port = FreePorts.loopback();
                    urls.add("http://127.0.0.1:" + port);
                    workers.add(startWorker(drill, worker, port));
                }
                for (String url : urls) {
                    await("worker " + url + " serving").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                            .ignoreExceptions().until(() -> get(url + "/connectors").statusCode() == 200);
                }
                createConnector(drill, urls.get(0));
                await("both tasks running, one on each worker").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> taskWorkers(urls.get(0)).size() == 2);
                drill.hooks.awaitMore(100);

                long killed = System.nanoTime();
                workers.get(1).destroyForcibly(); // SIGKILL: its task's uncommitted offsets are redelivered to the survivor
                assertThat(workers.get(1).waitFor(30, TimeUnit.SECONDS)).isTrue();
                drill.probeAlerts(5, Duration.ofSeconds(1));
                await("both tasks running on the surviving worker").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> taskWorkers(urls.get(0)).equals(Set.of(URI.create(urls.get(0)).getAuthority())));
                System.out.printf("the killed worker's task ran again on the other worker %.1f s after the kill%n", (System.nanoTime() - killed) / 1e9);
                drill.faultEnded();
                drill.verify();
            } finally {
                for (Process worker : workers) {
                    worker.destroyForcibly();
                    worker.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** A distributed Connect worker in a JVM of its own; its internal topics replicated three times. */
    private static Process startWorker(ClusterDrill drill, int worker, int port) throws Exception {
        Path dir = TestKafka.workDir("cluster-connect-worker" + worker + "-");
        Path properties = dir.resolve("worker.properties");
        Files.writeString(properties, String.join("\n",
                "bootstrap.servers=" + drill.cluster.bootstrapServers(),
                "group.id=drill-connect",
                "config.storage.topic=drill-connect-configs", "offset.storage.topic=drill-connect-offsets", "status.storage.topic=drill-connect-status",
                "config.storage.replication.factor=3", "offset.storage.replication.factor=3", "status.storage.replication.factor=3",
                "key.converter=org.apache.kafka.connect.storage.StringConverter",
                "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
                "listeners=http://127.0.0.1:" + port, "rest.advertised.host.name=127.0.0.1", "rest.advertised.port=" + port,
                "plugin.discovery=service_load",
                "consumer.isolation.level=read_committed",
                // a lost worker's tasks are reassigned after this delay (5 minutes by default)
                "scheduled.rebalance.max.delay.ms=10000",
                "offset.flush.interval.ms=2000") + "\n");
        return ChildJvm.startMain(List.of("-Xmx384m"), ConnectDistributed.class, properties.toString());
    }

    private void createConnector(ClusterDrill drill, String worker) throws Exception {
        Map<String, String> config = Map.of("connector.class", LokiSinkConnector.class.getName(), "tasks.max", "2",
                "topics", String.join(",", drill.topics.events().name(), drill.topics.alerts().name(), drill.topics.sessions().name()),
                "loki.url", drill.loki.url(), "schema.registry.url", drill.registryUrl,
                "errors.tolerance", "all", "errors.deadletterqueue.topic.name", TopicLayout.defaults().dlq().name(),
                "errors.deadletterqueue.context.headers.enable", "true");
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(worker + "/connectors/" + CONNECTOR + "/config"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("connector created: " + answer.body()).isIn(200, 201);
    }

    /** The workers ({@code host:port}) that run a RUNNING task of the connector. */
    private Set<String> taskWorkers(String worker) throws Exception {
        JsonNode status = JSON.readTree(get(worker + "/connectors/" + CONNECTOR + "/status").body());
        Set<String> running = new HashSet<>();
        for (JsonNode task : status.path("tasks")) {
            if ("RUNNING".equals(task.path("state").asText())) {
                running.add(task.path("worker_id").asText());
            }
        }
        return status.path("tasks").size() == 2 && running.size() <= 2 && status.path("tasks").findValuesAsText("state").stream().allMatch("RUNNING"::equals)
                ? running : Set.of();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
