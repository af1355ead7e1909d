package dev.agenttelemetry.analytics;

import dev.agenttelemetry.analytics.detection.Evaluated;
import dev.agenttelemetry.analytics.detection.RuleEngine;
import dev.agenttelemetry.analytics.detection.RuleProcessor;
import dev.agenttelemetry.analytics.detection.SuppressionSweeper;
import dev.agenttelemetry.analytics.risk.RiskScorer;
import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.sessions.LatestWindowPublisher;
import dev.agenttelemetry.analytics.sessions.MinuteWindowAggregator;
import dev.agenttelemetry.analytics.sessions.SessionWindowAggregator;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.schemas.serde.AvroSerdes;
import dev.agenttelemetry.topics.Topic;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import java.time.Duration;

/**
 * The analytics topology, one sub-topology keyed by session id (no repartition):
 * <pre>
 *   events topic (AgentEvent)
 *     -> rules (state per session: windows, thresholds, suppression)  -> alerts topic   (SecurityAlert)
 *     -> sweeper (wall clock: closing counts of suppressed alerts)      -> alerts topic
 *     -> 1-minute tumbling windows -> latest per second                 -> sessions topic (SessionActivity, window_kind=minute)
 *     -> session windows (inactivity gap; the latest per session) -> latest per second
 *        -> risk score vs user history                                  -> sessions topic (window_kind=session)
 * </pre>
 * Windows are published at most once per {@code publishInterval} (see {@link LatestWindowPublisher}).
 */
public final class AnalyticsTopology {
    static final Duration ACTIVITY_WINDOW = Duration.ofMinutes(1);
    static final Duration ACTIVITY_GRACE = Duration.ofSeconds(30);

    private AnalyticsTopology() {
    }

    public static Topology build(Topic<String, AgentEvent> events, Topic<String, SecurityAlert> alerts,
                                 Topic<String, SessionActivity> sessions, RuleBook rules, Duration sessionGap, Duration publishInterval) {
        StreamsBuilder builder = new StreamsBuilder();
        RuleProcessor.stores().forEach(builder::addStateStore);
        builder.addStateStore(RiskScorer.store());
        builder.addStateStore(MinuteWindowAggregator.store(sessions.valueSerde()));
        builder.addStateStore(SessionWindowAggregator.store(sessions.valueSerde()));
        RuleEngine engine = new RuleEngine(rules);

        // No rule or window looks at the masked payload (forensics, for Loki): skipping it saves decoding kilobytes per event.
        KStream<String, AgentEvent> source = builder.stream(events.name(),
                Consumed.with(events.keySerde(), AvroSerdes.withoutLastField(events.valueSerde(), "payload")).withName("agent-events"));
        KStream<String, Evaluated> evaluated = source.processValues(() -> new RuleProcessor(engine), Named.as("evaluate-rules"),
                RuleProcessor.SESSION_STORE, RuleProcessor.BASELINE_STORE);
        Produced<String, SecurityAlert> toAlerts = Produced.with(alerts.keySerde(), alerts.valueSerde());

        evaluated.flatMapValues(Evaluated::alerts, Named.as("alerts-of-event"))
                .to(alerts.name(), toAlerts.withName("security-alerts"));
        source.process(() -> new SuppressionSweeper(engine), Named.as("close-suppressed-alerts"),
                        RuleProcessor.SESSION_STORE, RuleProcessor.BASELINE_STORE)
                .to(alerts.name(), toAlerts.withName("closed-alerts"));

        evaluated.process(() -> new MinuteWindowAggregator(ACTIVITY_WINDOW, ACTIVITY_GRACE), Named.as("activity-per-minute"),
                        MinuteWindowAggregator.STORE)
                .process(() -> LatestWindowPublisher.ofMinuteWindows(publishInterval), Named.as("publish-minute-windows"),
                        MinuteWindowAggregator.STORE)
                .map((window, activity) -> {
                    activity.setWindowKind("minute");
                    return KeyValue.pair(window.key(), activity);
                }, Named.as("as-minute-window"))
                .to(sessions.name(), Produced.with(sessions.keySerde(), sessions.valueSerde()).withName("activity-per-minute-out"));

        evaluated.process(() -> new SessionWindowAggregator(sessionGap, ACTIVITY_GRACE), Named.as("activity-per-session"),
                        SessionWindowAggregator.STORE)
                .process(() -> LatestWindowPublisher.ofSessionWindows(publishInterval), Named.as("publish-session-windows"),
                        SessionWindowAggregator.STORE)
                .process(RiskScorer::new, Named.as("score-session-risk"), RiskScorer.STORE)
                .to(sessions.name(), Produced.with(sessions.keySerde(), sessions.valueSerde()).withName("activity-per-session-out"));
        return builder.build();
    }
}
