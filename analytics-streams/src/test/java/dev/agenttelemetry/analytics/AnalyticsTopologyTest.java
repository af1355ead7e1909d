package dev.agenttelemetry.analytics;

import dev.agenttelemetry.analytics.rules.DestructiveCommandRule;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.schemas.registry.InMemorySchemaRegistry;
import dev.agenttelemetry.schemas.topics.TopicCatalog;
import dev.agenttelemetry.schemas.topics.TopicLayout;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyticsTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private TopologyTestDriver driver;
    private TestInputTopic<String, AgentEvent> events;
    private TestOutputTopic<String, SecurityAlert> alerts;
    private TestOutputTopic<String, SessionActivity> sessions;

    @BeforeEach
    void setUp() {
        TopicCatalog topics = TopicCatalog.of(TopicLayout.defaults(), new InMemorySchemaRegistry());
        Properties props = new Properties();
        props.put("application.id", "analytics-test");
        props.put("bootstrap.servers", "unused:9092");
        props.put("statestore.cache.max.bytes", "0"); // every update visible at once
        driver = new TopologyTestDriver(AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(),
                List.of(new DestructiveCommandRule())), props);
        events = driver.createInputTopic(topics.events().name(), topics.events().keySerde().serializer(), topics.events().valueSerde().serializer());
        alerts = driver.createOutputTopic(topics.alerts().name(), topics.alerts().keySerde().deserializer(), topics.alerts().valueSerde().deserializer());
        sessions = driver.createOutputTopic(topics.sessions().name(), topics.sessions().keySerde().deserializer(), topics.sessions().valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static AgentEvent event(String id, Instant at, EventType type, String tool, String command) {
        return AgentEvent.newBuilder().setEventId(id).setReceivedAt(at).setSessionId("s1").setHookEventName("PreToolUse")
                .setEventType(type).setToolName(tool).setCommand(command).setProjectName("shop").setPayload("{}").build();
    }

    @Test
    void raisesACriticalAlertForADestructiveCommandAndNoneForABenignOne() {
        events.pipeInput("s1", event("e1", T0, EventType.command_execution, "Bash", "ls -la"), T0);
        events.pipeInput("s1", event("e2", T0.plusSeconds(1), EventType.command_execution, "Bash", "rm -rf /"), T0.plusSeconds(1));

        List<SecurityAlert> raised = alerts.readValuesToList();
        assertThat(raised).hasSize(1);
        SecurityAlert alert = raised.get(0);
        assertThat(alert.getRuleId()).isEqualTo(DestructiveCommandRule.ID);
        assertThat(alert.getSeverity()).isEqualTo(Severity.critical);
        assertThat(alert.getEventIds()).containsExactly("e2");
        assertThat(alert.getEvidence()).isEqualTo("rm -rf /");
        assertThat(alert.getProjectName()).isEqualTo("shop");
        assertThat(alert.getFirstSeen()).isEqualTo(T0.plusSeconds(1));
        assertThat(AnalyticsTopology.alert(event("e2", T0, EventType.command_execution, "Bash", "rm -rf /"),
                new DestructiveCommandRule().evaluate(event("e2", T0, EventType.command_execution, "Bash", "rm -rf /")).orElseThrow())
                .getAlertId()).as("alert ids are deterministic").isEqualTo(alert.getAlertId());
    }

    @Test
    void countsASessionsEventsPerMinuteWindow() {
        events.pipeInput("s1", event("e1", T0, EventType.command_execution, "Bash", "ls"), T0);
        events.pipeInput("s1", event("e2", T0.plusSeconds(10), EventType.file_read, "Read", null), T0.plusSeconds(10));
        events.pipeInput("s1", event("e3", T0.plusSeconds(70), EventType.file_read, "Read", null), T0.plusSeconds(70));

        List<SessionActivity> updates = sessions.readValuesToList();
        SessionActivity firstMinute = updates.get(1);
        assertThat(firstMinute.getSessionId()).isEqualTo("s1");
        assertThat(firstMinute.getWindowStart()).isEqualTo(T0);
        assertThat(firstMinute.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
        assertThat(firstMinute.getEventCount()).isEqualTo(2);
        assertThat(firstMinute.getEventsByType()).containsEntry("command_execution", 1L).containsEntry("file_read", 1L);
        assertThat(firstMinute.getEventsByTool()).containsEntry("Bash", 1L).containsEntry("Read", 1L);
        SessionActivity secondMinute = updates.get(2);
        assertThat(secondMinute.getWindowStart()).isEqualTo(T0.plusSeconds(60));
        assertThat(secondMinute.getEventCount()).isEqualTo(1);
    }
}
