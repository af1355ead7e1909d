package dev.agenttelemetry.analytics;

import dev.agenttelemetry.analytics.rules.Rule;
import dev.agenttelemetry.analytics.rules.Violation;
import dev.agenttelemetry.analytics.sessions.SessionActivityAggregator;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.schemas.topics.Topic;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The analytics topology.
 * <pre>
 *   events topic (key session_id, value AgentEvent)
 *     -> rules, per event             -> alerts topic   (key session_id, value SecurityAlert)
 *     -> 1-minute tumbling windows    -> sessions topic (key session_id, value SessionActivity)
 * </pre>
 */
public final class AnalyticsTopology {
    static final Duration ACTIVITY_WINDOW = Duration.ofMinutes(1);
    static final Duration ACTIVITY_GRACE = Duration.ofSeconds(30);

    private AnalyticsTopology() {
    }

    public static Topology build(Topic<String, AgentEvent> events, Topic<String, SecurityAlert> alerts,
                                 Topic<String, SessionActivity> sessions, List<Rule> rules) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, AgentEvent> stream = builder.stream(events.name(),
                Consumed.with(events.keySerde(), events.valueSerde()).withName("agent-events"));

        stream.flatMapValues(event -> rules.stream()
                        .flatMap(rule -> rule.evaluate(event).stream())
                        .map(violation -> alert(event, violation))
                        .toList(), Named.as("evaluate-rules"))
                .to(alerts.name(), Produced.with(alerts.keySerde(), alerts.valueSerde()).withName("security-alerts"));

        stream.groupByKey(Grouped.with("by-session", events.keySerde(), events.valueSerde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(ACTIVITY_WINDOW, ACTIVITY_GRACE))
                .aggregate(SessionActivityAggregator::empty, SessionActivityAggregator::add,
                        Named.as("aggregate-session-activity"),
                        Materialized.<String, SessionActivity, WindowStore<Bytes, byte[]>>as("session-activity-per-minute")
                                .withKeySerde(sessions.keySerde()).withValueSerde(sessions.valueSerde()))
                .toStream(Named.as("session-activity-updates"))
                .map((window, activity) -> {
                    activity.setWindowStart(window.window().startTime());
                    activity.setWindowEnd(window.window().endTime());
                    return KeyValue.pair(window.key(), activity);
                }, Named.as("with-window-bounds"))
                .to(sessions.name(), Produced.with(sessions.keySerde(), sessions.valueSerde()).withName("session-activity-out"));
        return builder.build();
    }

    static SecurityAlert alert(AgentEvent event, Violation violation) {
        String identity = violation.ruleId() + '|' + event.getSessionId() + '|' + event.getEventId();
        return SecurityAlert.newBuilder()
                .setAlertId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
                .setRuleId(violation.ruleId())
                .setTitle(violation.title())
                .setSeverity(violation.severity())
                .setSessionId(event.getSessionId())
                .setProjectName(event.getProjectName())
                .setEvidence(violation.evidence())
                .setEventIds(List.of(event.getEventId()))
                .setFirstSeen(event.getReceivedAt())
                .setLastSeen(event.getReceivedAt())
                .setCount(1)
                .build();
    }
}
