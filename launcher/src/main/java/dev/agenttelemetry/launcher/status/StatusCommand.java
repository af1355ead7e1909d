package dev.agenttelemetry.launcher.status;

import dev.agenttelemetry.runtime.ConsumerLag;
import dev.agenttelemetry.topics.Replication;
import dev.agenttelemetry.topics.TopicSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.launcher.up.ConnectRunner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code agent-telemetry status}: is every component up, and how far behind are the Streams applications? */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows whether every component is up, and the Streams applications' lag.",
                "Checks every component: the Kafka broker, the schema registry, the collector (health and readiness),",
                "the enricher and analytics applications (consumer group state, members and lag on their input topics) and",
                "the Loki sink connector's tasks (\"off\" when no loki.url or --connect-url says one should run). Secrets are never printed.",
                "Exit codes: 0 all up, 1 something is down or not running, 2 usage."},
        footer = {"", "Examples:", "  agent-telemetry status", "  agent-telemetry status --json | jq '.[] | select(.ok == false)'"})
public final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Option(names = "--collector-url", paramLabel = "URL", description = "The collector (default: http://collector.host:collector.port, 127.0.0.1:4180).")
    String collectorUrl;

    @Option(names = "--connect-url", paramLabel = "URL", description = "The Connect worker's REST API (default: http://127.0.0.1:connect.rest.port, 8083).")
    String connectUrl;

    @Option(names = "--json", description = "A JSON array of {component, ok, status, detail}.")
    boolean json;

    /** One line of the report. */
    record Check(String component, boolean ok, String status, String detail) {
    }

    @Override
    public Integer call() {
        KafkaOptions.Resolved resolved = kafka.resolveSettings();
        var config = resolved.settings().config();
        String collector = collectorUrl != null ? collectorUrl
                : "http://" + config.string("collector.host", "127.0.0.1") + ":" + config.string("collector.port", "4180");
        String connect = connectUrl != null ? connectUrl : "http://127.0.0.1:" + resolved.settings().connectRestPort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        List<Check> checks = new ArrayList<>();
        boolean kafkaUp = broker(resolved.kafka(), checks);
        checks.add(http(http, "schema registry", resolved.schemaRegistryUrl() + "/subjects", body -> {
            JsonNode subjects = JSON.readTree(body);
            return subjects.size() + " subjects at " + resolved.schemaRegistryUrl();
        }));
        if (anyFreePort(collector)) {
            checks.add(portUnknown("collector", "collector.port", "--collector-url"));
        } else {
            checks.add(http(http, "collector", collector + "/healthz", body -> "healthy at " + collector));
            checks.add(http(http, "collector readiness", collector + "/readyz", body -> "Kafka reachable from the collector"));
        }
        if (kafkaUp) {
            List<String> topics = new ArrayList<>(resolved.settings().topics().all().stream().map(TopicSpec::name).toList());
            topics.add(resolved.settings().registryTopic());
            replication(resolved.kafka(), topics, checks);
            String raw = resolved.settings().topics().raw().name();
            String events = resolved.settings().topics().events().name();
            streamsApp(resolved.kafka(), "enricher", config.string(EnricherConfig.APPLICATION_ID, EnricherConfig.DEFAULT_APPLICATION_ID), raw, checks);
            streamsApp(resolved.kafka(), "analytics", config.string(AnalyticsConfig.APPLICATION_ID, AnalyticsConfig.DEFAULT_APPLICATION_ID), events, checks);
        }
        boolean lokiConfigured = connectUrl != null || config.optional("loki.url").isPresent();
        checks.add(!lokiConfigured ? new Check("loki sink", true, "off", "not configured: set loki.url (up --loki-url) to forward to Grafana Loki, "
                + "or pass --connect-url of a worker that runs it")
                : anyFreePort(connect) ? portUnknown("loki sink", "connect.rest.port", "--connect-url") : http(http, "loki sink", connect + "/connectors/" + ConnectRunner.CONNECTOR_NAME + "/status", body -> {
            JsonNode status = JSON.readTree(body);
            String tasks = "";
            boolean running = "RUNNING".equals(status.path("connector").path("state").asText());
            for (JsonNode task : status.path("tasks")) {
                tasks += " task " + task.path("id").asInt() + " " + task.path("state").asText();
                running &= "RUNNING".equals(task.path("state").asText());
            }
            if (!running) {
                throw new IllegalStateException("connector " + status.path("connector").path("state").asText() + ";" + tasks);
            }
            return "connector RUNNING;" + tasks;
        }));
        print(checks);
        return checks.stream().allMatch(Check::ok) ? 0 : 1;
    }

    private boolean broker(KafkaAccess kafka, List<Check> checks) {
        try (Admin admin = Admin.create(kafka.clientProperties(Map.of("request.timeout.ms", 3000, "default.api.timeout.ms", 5000)))) {
            var cluster = admin.describeCluster();
            int nodes = cluster.nodes().get(5, TimeUnit.SECONDS).size();
            checks.add(new Check("kafka", true, "up", nodes + (nodes == 1 ? " broker" : " brokers") + ", cluster "
                    + cluster.clusterId().get(5, TimeUnit.SECONDS) + " at " + kafka));
            return true;
        } catch (Exception e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException denied) {
                checks.add(new Check("kafka", false, "denied", kafka + " refused the credentials: " + denied.getMessage()));
                return false;
            }
            checks.add(new Check("kafka", false, "down", "no answer from " + kafka + " (is `agent-telemetry up` running?)"));
            return false;
        }
    }

    /** The pipeline's topics as their partitions stand: under-replicated (a replica out of sync) and offline (no leader). */
    private static void replication(KafkaAccess kafka, List<String> topics, List<Check> checks) {
        try (Admin admin = Admin.create(kafka.clientProperties(Map.of("request.timeout.ms", 3000, "default.api.timeout.ms", 5000)))) {
            Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            List<Replication.Health> health = Replication.health(admin, topics.stream().filter(existing::contains).toList());
            int partitions = health.stream().mapToInt(Replication.Health::partitions).sum();
            List<String> problems = new ArrayList<>();
            for (Replication.Health topic : health) {
                if (!topic.offline().isEmpty()) {
                    problems.add(topic.topic() + " partitions " + topic.offline() + " offline (no leader)");
                }
                if (!topic.underReplicated().isEmpty()) {
                    problems.add(topic.topic() + " partitions " + topic.underReplicated() + " under-replicated");
                }
            }
            boolean offline = health.stream().anyMatch(topic -> !topic.offline().isEmpty());
            checks.add(new Check("topics", !offline, offline ? "offline" : problems.isEmpty() ? "healthy" : "degraded",
                    problems.isEmpty() ? health.size() + " topics, " + partitions + " partitions, every replica in sync" : String.join("; ", problems)));
        } catch (Exception e) {
            checks.add(new Check("topics", false, "unknown", "could not describe the pipeline's topics: " + e.getMessage()));
        }
    }

    /** A Streams application as its consumer group shows it: state, members, and how many input records it has not processed. */
    private void streamsApp(KafkaAccess kafka, String name, String applicationId, String inputTopic, List<Check> checks) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).all().get(5, TimeUnit.SECONDS).get(applicationId);
            long lag = ConsumerLag.of(admin, applicationId, inputTopic);
            int members = group.members().size();
            boolean running = members > 0;
            checks.add(new Check(name, running, running ? "running" : "not running",
                    "group " + applicationId + " " + group.groupState().toString().toLowerCase() + ", " + members
                            + (members == 1 ? " instance" : " instances") + ", lag " + lag + " records on " + inputTopic));
        } catch (Exception e) {
            checks.add(new Check(name, false, "unknown", "could not describe group " + applicationId + ": " + e.getMessage()));
        }
    }

    private interface Body {
        String describe(String body) throws Exception;
    }

    private static boolean anyFreePort(String url) {
        return URI.create(url).getPort() == 0;
    }

    private static Check portUnknown(String component, String portKey, String option) {
        return new Check(component, false, "unknown", portKey + "=0 lets the server take any free port at start: pass " + option
                + " with the URL it printed");
    }

    private static Check http(HttpClient http, String component, String url, Body describe) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                return new Check(component, false, "down", url + " answered " + response.statusCode());
            }
            return new Check(component, true, "up", describe.describe(response.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(component, false, "unknown", "interrupted");
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Check(component, false, "down", "no answer from " + url + " (" + reason + ")");
        }
    }

    private void print(List<Check> checks) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode array = JSON.createArrayNode();
            checks.forEach(check -> array.addObject().put("component", check.component()).put("ok", check.ok())
                    .put("status", check.status()).put("detail", check.detail()));
            out.println(array);
        } else {
            boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
            out.printf("%-20s  %-12s  %s%n", "COMPONENT", "STATUS", "DETAIL");
            for (Check check : checks) {
                String status = String.format("%-12s", check.status());
                out.printf("%-20s  %s  %s%n", check.component(), color ? (check.ok() ? "\033[32m" : "\033[31m") + status + "\033[0m" : status, check.detail());
            }
        }
        out.flush();
    }
}
