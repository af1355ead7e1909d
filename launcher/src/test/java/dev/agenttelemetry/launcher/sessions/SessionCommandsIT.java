package dev.agenttelemetry.launcher.sessions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.Cli;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code verify} and {@code session} against the real broker and registry. */
class SessionCommandsIT {
    private static Cli.Run run(String registry, String... args) {
        return Cli.run(Cli.with(args, "--bootstrap-servers", TestKafka.bootstrapServers(), "--schema-registry-url", registry));
    }

    @Test
    void verifiesChainsAndPrintsTimelines() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-sessions-it")) {
            TopicLayout layout = TopicLayout.defaults();
            TopicProvisioner.ensure(admin, List.of(layout.events(), layout.alerts()), Duration.ofSeconds(30));
            TopicCatalog topics = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url()));
            List<AgentEvent> intact = ChainCheckTest.chain("it-intact", 4);
            List<AgentEvent> tampered = ChainCheckTest.chain("it-tampered", 6);
            tampered.get(2).setCommand("echo innocent"); // not part of the hash: still intact at 3
            tampered.get(3).setPayload("{\"n\":\"rewritten\"}"); // altered at 4
            tampered.remove(4); // missing at 5
            try (KafkaProducer<String, AgentEvent> events = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                    topics.events().keySerde().serializer(), topics.events().valueSerde().serializer());
                 KafkaProducer<String, SecurityAlert> alerts = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                         topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer())) {
                for (AgentEvent event : intact) {
                    events.send(new ProducerRecord<>(layout.events().name(), event.getSessionId(), event)).get();
                }
                for (AgentEvent event : tampered) {
                    events.send(new ProducerRecord<>(layout.events().name(), event.getSessionId(), event)).get();
                }
                alerts.send(new ProducerRecord<>(layout.alerts().name(), "it-intact", SecurityAlert.newBuilder().setAlertId("a1")
                        .setRuleId("privilege_escalation").setTitle("Privilege escalation").setSeverity(Severity.high).setSessionId("it-intact")
                        .setEvidence("sudo ls").setEventIds(List.of("it-intact-e2")).setFirstSeen(intact.get(1).getReceivedAt())
                        .setLastSeen(intact.get(1).getReceivedAt()).build())).get();
            }

            Cli.Run ok = run(registry.url(), "verify", "it-intact");
            assertThat(ok.exitCode()).isZero();
            assertThat(ok.out()).contains("session it-intact: intact, 4 events, chain 1..4 verified");

            Cli.Run broken = run(registry.url(), "verify", "it-tampered");
            assertThat(broken.exitCode()).isEqualTo(VerifyCommand.BROKEN);
            assertThat(broken.out()).contains("BROKEN, 2 problems in 5 events", "position 4: altered", "position 5: event missing");

            Cli.Run unknown = run(registry.url(), "verify", "no-such-session");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("no events of session no-such-session");

            Cli.Run timeline = run(registry.url(), "session", "it-intact");
            assertThat(timeline.exitCode()).isZero();
            assertThat(timeline.out()).contains("Session it-intact: 4 events, 1 alerts", "#1    ▶ Bash: echo 1", "#4    ▶ Bash: echo 4",
                    "⚠ HIGH privilege_escalation: sudo ls");
            assertThat(timeline.out().indexOf("⚠ HIGH")).isBetween(timeline.out().indexOf("echo 2"), timeline.out().indexOf("echo 3"));

            List<String> json = run(registry.url(), "session", "it-intact", "--json").out().lines().toList();
            assertThat(json).hasSize(5);
            assertThat(new ObjectMapper().readTree(json.get(0)).path("type").asText()).isEqualTo("event");
            assertThat(json.stream().filter(line -> line.contains("\"type\":\"alert\""))).hasSize(1);
        }
    }
}
