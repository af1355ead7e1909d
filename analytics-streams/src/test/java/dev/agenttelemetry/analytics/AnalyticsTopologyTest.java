package dev.agenttelemetry.analytics;

import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.sessions.MinuteWindowAggregator;
import dev.agenttelemetry.analytics.sessions.SessionWindowAggregator;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.ToolPairing;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.avro.ToolOutcome;
import dev.agenttelemetry.schemas.registry.InMemorySchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static dev.agenttelemetry.analytics.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

class AnalyticsTopologyTest {
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
        driver = new TopologyTestDriver(AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(), RuleBook.defaults(),
                Duration.ofMinutes(30), Duration.ZERO), props, T0); // every window update published (see the test below for the default)
        events = driver.createInputTopic(topics.events().name(), topics.events().keySerde().serializer(), topics.events().valueSerde().serializer());
        alerts = driver.createOutputTopic(topics.alerts().name(), topics.alerts().keySerde().deserializer(), topics.alerts().valueSerde().deserializer());
        sessions = driver.createOutputTopic(topics.sessions().name(), topics.sessions().keySerde().deserializer(), topics.sessions().valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(AgentEvent event) {
        events.pipeInput(event.getSessionId(), event, event.getReceivedAt());
    }

    @Test
    void aDestructiveCommandRaisesOneCriticalAlertWithContextAndABenignOneNone() {
        send(Events.bash("e1", T0, "ls -la"));
        send(Events.bash("e2", T0.plusSeconds(1), "cd / && rm -rf --no-preserve-root *"));

        List<KeyValue<String, SecurityAlert>> raised = alerts.readKeyValuesToList();
        assertThat(raised).hasSize(1);
        SecurityAlert alert = raised.get(0).value;
        assertThat(raised.get(0).key).isEqualTo("s1");
        assertThat(alert.getRuleId()).isEqualTo("destructive_command");
        assertThat(alert.getCategory()).isEqualTo("destructive_command");
        assertThat(alert.getSeverity()).isEqualTo(Severity.critical);
        assertThat(alert.getDescription()).contains("recursive forced deletes");
        assertThat(alert.getAgent()).isEqualTo("claude-code");
        assertThat(alert.getUserId()).isEqualTo("u1");
        assertThat(alert.getToolName()).isEqualTo("Bash");
        assertThat(alert.getProjectName()).isEqualTo("shop");
        assertThat(alert.getEvidence()).isEqualTo("cd / && rm -rf --no-preserve-root *");
        assertThat(alert.getEventIds()).containsExactly("e2");
        assertThat(alert.getCount()).isEqualTo(1);
    }

    @Test
    void repeatsWithinTheSuppressionWindowUpdateOneAlertInsteadOfRaisingMore() {
        // low severity, so three of them are not yet "repeated violations" (medium and above)
        send(Events.bash("e1", T0, "git config --global user.name a"));
        send(Events.bash("e2", T0.plusSeconds(60), "git config --global user.email a@example.com"));
        send(Events.bash("e3", T0.plusSeconds(120), "git config --global core.editor vim"));
        List<SecurityAlert> first = alerts.readValuesToList();
        assertThat(first).extracting(SecurityAlert::getRuleId).containsExactly("config_tampering");

        driver.advanceWallClockTime(Duration.ofMinutes(11)); // the 10-minute suppression window closes
        List<SecurityAlert> closing = alerts.readValuesToList();
        assertThat(closing).hasSize(1);
        assertThat(closing.get(0).getAlertId()).isEqualTo(first.get(0).getAlertId());
        assertThat(closing.get(0).getCount()).isEqualTo(3);
        assertThat(closing.get(0).getEventIds()).containsExactly("e1", "e2", "e3");
        assertThat(closing.get(0).getLastSeen()).isEqualTo(T0.plusSeconds(120));

        send(Events.bash("e4", T0.plusSeconds(11 * 60 + 1), "git config --global user.name b"));
        List<SecurityAlert> next = alerts.readValuesToList();
        assertThat(next).hasSize(1);
        assertThat(next.get(0).getAlertId()).isNotEqualTo(first.get(0).getAlertId());
        assertThat(next.get(0).getCount()).isEqualTo(1);
    }

    @Test
    void anAlertClosedWhileAnotherStaysOpenIsClosedOnce() {
        send(Events.bash("e1", T0, "sudo ls"));
        send(Events.bash("e2", T0.plusSeconds(10), "cat .env"));
        send(Events.bash("e3", T0.plusSeconds(20), "echo x >> ~/.zshrc")); // repeated_violations: suppressed for 30 min
        send(Events.bash("e4", T0.plusSeconds(30), "sudo ls")); // counted into the open privilege_escalation alert
        assertThat(alerts.readValuesToList()).extracting(SecurityAlert::getRuleId)
                .containsExactly("privilege_escalation", "sensitive_file_access", "config_tampering", "repeated_violations");

        driver.advanceWallClockTime(Duration.ofMinutes(11)); // the 10-minute windows close, repeated_violations stays open
        assertThat(alerts.readValuesToList()).extracting(SecurityAlert::getRuleId, SecurityAlert::getCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("privilege_escalation", 2));
        driver.advanceWallClockTime(Duration.ofMinutes(1)); // later sweeps do not publish it again
        assertThat(alerts.readValuesToList()).isEmpty();
    }

    @Test
    void aSessionBreakingRulesThreeTimesIsFlaggedAsRepeatedViolations() {
        send(Events.bash("e1", T0, "sudo ls"));
        send(Events.bash("e2", T0.plusSeconds(10), "cat .env"));
        assertThat(alerts.readValuesToList()).extracting(SecurityAlert::getRuleId).containsExactly("privilege_escalation", "sensitive_file_access");
        send(Events.bash("e3", T0.plusSeconds(20), "echo x >> ~/.zshrc"));
        List<SecurityAlert> raised = alerts.readValuesToList();
        assertThat(raised).extracting(SecurityAlert::getRuleId).containsExactly("config_tampering", "repeated_violations");
        assertThat(raised.get(1).getEvidence()).startsWith("3 violations of medium severity or above within 10 min");
    }

    @Test
    void moreThan150ToolCallsInFiveMinutesIsHighFrequency() {
        for (int i = 0; i < 150; i++) {
            send(Events.bash("e" + i, T0.plusMillis(i * 1_000L), "ls"));
        }
        assertThat(alerts.readValuesToList()).isEmpty(); // a busy but normal session
        send(Events.bash("e150", T0.plusSeconds(151), "ls"));
        List<SecurityAlert> raised = alerts.readValuesToList();
        assertThat(raised).extracting(SecurityAlert::getRuleId).containsExactly("high_frequency");
        assertThat(raised.get(0).getEvidence()).isEqualTo("151 tool calls within 5 min (limit 150, fixed limit)");
    }

    @Test
    void minuteWindowsSplitAtTheMinuteBoundary() {
        send(Events.bash("e1", T0.plusSeconds(10), "ls"));
        send(Events.bash("e2", T0.plusMillis(59_999), "ls"));
        send(Events.bash("e3", T0.plusSeconds(60), "ls"));
        List<SessionActivity> minutes = sessions.readValuesToList().stream().filter(a -> a.getWindowKind().equals("minute")).toList();
        assertThat(minutes).extracting(a -> a.getWindowStart(), SessionActivity::getEventCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, 1L), org.assertj.core.groups.Tuple.tuple(T0, 2L),
                        org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(60), 1L));
        assertThat(minutes.get(2).getWindowEnd()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void anEventLateByLessThanTheGraceJoinsItsMinuteAndOneLaterIsDroppedAndClosedMinutesAreRetired() {
        send(Events.bash("e1", T0.plusSeconds(10), "ls"));
        send(Events.bash("e2", T0.plusSeconds(70), "ls"));
        send(Events.bash("e3", T0.plusSeconds(50), "ls")); // 20 s behind stream time: its minute is still open
        send(Events.bash("e4", T0.plusSeconds(100), "ls"));
        send(Events.bash("e5", T0.plusSeconds(55), "ls")); // its minute closed at T0 + 60 s + 30 s of grace
        List<SessionActivity> minutes = sessions.readValuesToList().stream().filter(a -> a.getWindowKind().equals("minute")).toList();
        assertThat(minutes).extracting(SessionActivity::getWindowStart, SessionActivity::getEventCount).containsExactly(
                org.assertj.core.groups.Tuple.tuple(T0, 1L), org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(60), 1L),
                org.assertj.core.groups.Tuple.tuple(T0, 2L), org.assertj.core.groups.Tuple.tuple(T0.plusSeconds(60), 2L));

        KeyValueStore<String, SessionActivity> store = driver.getKeyValueStore(MinuteWindowAggregator.STORE);
        assertThat(store.get("s1@" + T0.plusSeconds(60).toEpochMilli())).isNotNull();
        send(Events.bash("e6", T0.plusSeconds(200), "ls"));
        assertThat(store.get("s1@" + T0.toEpochMilli())).isNull();
        assertThat(store.get("s1@" + T0.plusSeconds(60).toEpochMilli())).isNull();
        assertThat(store.get("s1@" + T0.plusSeconds(180).toEpochMilli())).isNotNull();
    }

    @Test
    void sessionTotalsCountCallsFailuresDurationsAndViolationsAndCarryARiskScore() {
        send(Events.base("p1", T0).setEventType(EventType.user_prompt).setHookEventName("UserPromptSubmit").build());
        send(Events.bash("e1", T0.plusSeconds(1), "mvn test"));
        send(Events.base("e1-post", T0.plusSeconds(3)).setHookEventName("PostToolUseFailure").setEventType(EventType.command_execution)
                .setToolName("Bash").setPairing(new ToolPairing("e1", 2000L, ToolOutcome.failure, "exit 1")).build());
        send(Events.base("e2", T0.plusSeconds(4)).setEventType(EventType.sub_agent_delegation).setToolName("Task").build());
        send(Events.base("e2-post", T0.plusSeconds(34)).setHookEventName("PostToolUse").setEventType(EventType.sub_agent_delegation)
                .setToolName("Task").setPairing(new ToolPairing("e2", 30_000L, ToolOutcome.success, null)).build());
        send(Events.bash("e3", T0.plusSeconds(40), "sudo rm -rf /"));

        List<SessionActivity> totals = sessions.readValuesToList().stream().filter(a -> a.getWindowKind().equals("session")).toList();
        SessionActivity last = totals.get(totals.size() - 1);
        assertThat(last.getSessionId()).isEqualTo("s1");
        assertThat(last.getWindowStart()).isEqualTo(T0);
        assertThat(last.getEventCount()).isEqualTo(6);
        assertThat(last.getPrompts()).isEqualTo(1);
        assertThat(last.getToolCalls()).isEqualTo(3);
        assertThat(last.getFailures()).isEqualTo(1);
        assertThat(last.getSubagentDelegations()).isEqualTo(1);
        assertThat(last.getDelegationShare()).isEqualTo(1.0 / 3);
        assertThat(last.getDurationP50Ms()).isEqualTo(2048); // 2 s, as the upper bound of its power-of-two bucket
        assertThat(last.getDurationP95Ms()).isEqualTo(32768);
        assertThat(last.getAlertsBySeverity()).containsEntry("critical", 1L).containsEntry("high", 1L);
        assertThat(last.getRiskFactors()).containsOnlyKeys("unusual", "violations", "speed", "errors");
        assertThat(last.getRiskFactors().get("violations")).isEqualTo(0.82); // 1 - (1 - 0.7)(1 - 0.4)
        assertThat(last.getRiskFactors().get("unusual")).isZero(); // no history for this user yet
        assertThat(last.getRiskScore()).isBetween(0.25, 0.5);
        assertThat(last.getRiskCategory()).isEqualTo(Severity.medium);
    }

    private List<Object> sessionWindows() {
        return sessions.readValuesToList().stream().filter(a -> a.getWindowKind().equals("session"))
                .map(a -> (Object) org.assertj.core.groups.Tuple.tuple(a.getSessionId(), a.getWindowStart(), a.getWindowEnd(), a.getEventCount())).toList();
    }

    @Test
    void anEventAfterTheInactivityGapStartsANewSessionWindowAndAnOutOfOrderOneExtendsItsWindow() {
        send(Events.bash("e1", T0.plusSeconds(10), "ls"));
        send(Events.bash("e2", T0, "ls")); // out of order, within the grace period
        Instant afterGap = T0.plusSeconds(10).plus(Duration.ofMinutes(31));
        send(Events.bash("e3", afterGap, "ls"));
        assertThat(sessionWindows()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("s1", T0.plusSeconds(10), T0.plusSeconds(10), 1L),
                org.assertj.core.groups.Tuple.tuple("s1", T0, T0.plusSeconds(10), 2L),
                org.assertj.core.groups.Tuple.tuple("s1", afterGap, afterGap, 1L));
    }

    @Test
    void anEventTooLateForItsSessionWindowIsLeftOutOfTheTotalsButStillEvaluated() {
        send(Events.bash("e1", T0, "ls"));
        send(Events.base("other", T0.plus(Duration.ofMinutes(10))).setSessionId("s2").setEventType(EventType.command_execution)
                .setToolName("Bash").setCommand("ls").build()); // moves stream time on
        sessions.readValuesToList();
        send(Events.bash("late", T0.plusSeconds(1), "sudo rm -rf /")); // its window [T0, T0+1 s] closed 9.5 minutes ago
        assertThat(sessionWindows()).isEmpty();
        assertThat(alerts.readValuesToList()).as("the late event's alerts, and only its")
                .allSatisfy(alert -> assertThat(alert.getEventIds()).containsExactly("late"))
                .extracting(SecurityAlert::getRuleId).containsExactlyInAnyOrder("destructive_command", "privilege_escalation");
    }

    @Test
    void aSessionWindowIsRetiredFromTheStoreOnceNoEventOnTimeCouldJoinIt() {
        send(Events.bash("e1", T0, "ls"));
        KeyValueStore<String, SessionActivity> store = driver.getKeyValueStore(SessionWindowAggregator.STORE);
        assertThat(store.get("s1")).isNotNull();
        send(Events.base("other", T0.plus(Duration.ofMinutes(30)).plusSeconds(20)).setSessionId("s2").build());
        assertThat(store.get("s1")).isNotNull(); // an event at T0 + 30 min, 30 s of grace behind stream time, could still join it
        send(Events.base("other-2", T0.plus(Duration.ofMinutes(32))).setSessionId("s2").build());
        assertThat(store.get("s1")).isNull();
        assertThat(store.get("s2")).isNotNull();
    }

    @Test
    void withAPublishIntervalEachWindowIsPublishedOncePerIntervalWithItsLatestActivity() {
        driver.close();
        TopicCatalog topics = TopicCatalog.of(TopicLayout.defaults(), new InMemorySchemaRegistry());
        Properties props = new Properties();
        props.put("application.id", "analytics-test-interval");
        props.put("bootstrap.servers", "unused:9092");
        props.put("statestore.cache.max.bytes", "0");
        driver = new TopologyTestDriver(AnalyticsTopology.build(topics.events(), topics.alerts(), topics.sessions(), RuleBook.defaults(),
                Duration.ofMinutes(30), Duration.ofSeconds(1)), props, T0);
        events = driver.createInputTopic(topics.events().name(), topics.events().keySerde().serializer(), topics.events().valueSerde().serializer());
        sessions = driver.createOutputTopic(topics.sessions().name(), topics.sessions().keySerde().deserializer(), topics.sessions().valueSerde().deserializer());

        send(Events.bash("e1", T0.plusSeconds(1), "ls"));
        send(Events.bash("e2", T0.plusSeconds(2), "ls"));
        send(Events.bash("e3", T0.plusSeconds(3), "ls"));
        assertThat(sessions.readValuesToList()).isEmpty(); // held until the next publication

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<SessionActivity> published = sessions.readValuesToList();
        assertThat(published).extracting(SessionActivity::getWindowKind, SessionActivity::getEventCount)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("minute", 3L), org.assertj.core.groups.Tuple.tuple("session", 3L));
        assertThat(published.stream().filter(a -> a.getWindowKind().equals("session")).findFirst().orElseThrow().getRiskScore()).isNotNull();

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(sessions.readValuesToList()).isEmpty(); // nothing changed since
    }
}
