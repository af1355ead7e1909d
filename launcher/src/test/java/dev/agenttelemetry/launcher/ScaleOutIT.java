package dev.agenttelemetry.launcher;

import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.analytics.AnalyticsTopology;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.collector.Collector;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.enricher.EnricherTopology;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.enricher.masking.Masker;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two collectors, two enricher instances and two analytics instances share the work on 4-partition topics:
 * every hook arrives once, in order per session (the hash chain proves it), and every expected alert once.
 */
class ScaleOutIT {
    private static final int SESSIONS = 12;
    private static final int EVENTS_PER_SESSION = 10;

    @Test
    void twoInstancesOfEachComponentShareTheWork() throws Exception {
        Map<String, String> settings = new HashMap<>();
        for (String role : List.of("raw", "events", "alerts", "sessions", "dlq")) {
            settings.put("topic." + role + ".name", "scale-" + role);
            settings.put("topic." + role + ".partitions", "4");
        }
        settings.put("topic.otlp-logs.name", "scale-otlp");
        ConfigReader config = new ConfigReader(settings, "test");
        TopicLayout layout = TopicLayout.from(config);
        String kafka = TestKafka.bootstrapServers();
        List<AutoCloseable> running = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(kafka), "_schemas-scale")) {
            TopicProvisioner.ensure(admin, List.of(layout.raw(), layout.events(), layout.alerts(), layout.sessions(), layout.dlq(), layout.otlpLogs()),
                    Duration.ofSeconds(30));
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            List<Collector> collectors = new ArrayList<>();
            List<KafkaStreams> enrichers = new ArrayList<>();
            List<KafkaStreams> analytics = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path dir = TestKafka.workDir("scale-" + i + "-");
                Collector collector = Collector.start(CollectorConfig.from(new ConfigReader(Map.of("collector.port", "0"), "test"), kafka,
                        layout.raw().name(), dir.resolve("collector")), topics.raw(), topics.otlpLogs());
                collectors.add(collector);
                running.add(collector);
                EnricherConfig enricherConfig = EnricherConfig.from(new ConfigReader(Map.of("enricher.application.id", "scale-enricher"), "test"),
                        kafka, dir.resolve("streams"), layout.dlq().name());
                enrichers.add(start(EnricherTopology.build(topics.raw(), topics.events(), new HookEventEnricher(Masker.withDefaultRules(), 200),
                        enricherConfig.chainTtl(), enricherConfig.pairingGap()), enricherConfig.streamsProperties(), running));
                AnalyticsConfig analyticsConfig = AnalyticsConfig.from(new ConfigReader(Map.of("analytics.application.id", "scale-analytics"), "test"),
                        kafka, dir.resolve("streams"));
                analytics.add(start(AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(), analyticsConfig.rules(),
                        analyticsConfig.sessionGap(), analyticsConfig.publishInterval()), analyticsConfig.streamsProperties(), running));
            }
            awaitRunning(enrichers);
            awaitRunning(analytics);

            HttpClient http = HttpClient.newHttpClient();
            for (int n = 0; n < EVENTS_PER_SESSION; n++) {
                for (int s = 0; s < SESSIONS; s++) {
                    // Each hook of a session goes to either collector, as behind a load balancer; the last one is destructive.
                    String command = n == EVENTS_PER_SESSION - 1 ? "rm -rf /" : "echo " + n;
                    String body = "{\"session_id\":\"scale-s" + s + "\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\","
                            + "\"tool_name\":\"Bash\",\"tool_use_id\":\"toolu_" + s + "_" + n + "\",\"tool_input\":{\"command\":\"" + command + "\"}}";
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(collectors.get((n + s) % 2).url() + "/v1/hooks"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode() / 100).isEqualTo(2);
                }
            }

            List<AgentEvent> events = awaitAll(kafka, topics.events(), SESSIONS * EVENTS_PER_SESSION, e -> true);
            assertThat(events).as("no duplicates").hasSize(SESSIONS * EVENTS_PER_SESSION);
            assertThat(events.stream().map(AgentEvent::getEventId).distinct()).as("each event once").hasSize(SESSIONS * EVENTS_PER_SESSION);
            Map<String, List<Long>> sequences = events.stream().collect(Collectors.groupingBy(AgentEvent::getSessionId,
                    Collectors.mapping(AgentEvent::getSequence, Collectors.toList())));
            assertThat(sequences).hasSize(SESSIONS).allSatisfy((session, numbers) ->
                    assertThat(numbers).as(session + " chained in order").containsExactlyElementsOf(
                            java.util.stream.LongStream.rangeClosed(1, EVENTS_PER_SESSION).boxed().toList()));
            // Other rules fire on `rm -rf /` too: wait for the destructive ones, not for any SESSIONS alerts.
            List<SecurityAlert> alerts = awaitAll(kafka, topics.alerts(), SESSIONS, a -> a.getRuleId().equals("destructive_command"));
            assertThat(alerts.stream().map(SecurityAlert::getSessionId).distinct()).as("one destructive alert per session").hasSize(SESSIONS);
            for (List<KafkaStreams> instances : List.of(enrichers, analytics)) {
                assertThat(instances).as("both instances own tasks").allSatisfy(streams ->
                        assertThat(streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum()).isPositive());
            }
        } finally {
            for (AutoCloseable component : running) {
                component.close();
            }
        }
    }

    private static KafkaStreams start(Topology topology, Map<String, Object> properties, List<AutoCloseable> running) {
        Properties props = new Properties();
        props.putAll(properties);
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.start();
        running.add(() -> streams.close(Duration.ofSeconds(30)));
        return streams;
    }

    private static void awaitRunning(List<KafkaStreams> instances) {
        await("every instance RUNNING: the group settled").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(instances).allSatisfy(s -> assertThat(s.state()).isEqualTo(KafkaStreams.State.RUNNING)));
    }

    /** The topic's records that match, once at least {@code expected} of them arrived. */
    private static <V> List<V> awaitAll(String kafka, dev.agenttelemetry.topics.Topic<String, V> topic, int expected,
                                        java.util.function.Predicate<V> wanted) {
        return await(expected + " records on " + topic.name()).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> TopicScan.read(KafkaAccess.plaintext(kafka), topic, Instant.EPOCH, wanted, n -> { }), found -> found.size() >= expected);
    }
}
