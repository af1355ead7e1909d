package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every few seconds of wall-clock time: publishes the closing count of each alert whose suppression window
 * has ended (same alert id, so it updates the alert rather than adding one), and retires sessions idle for
 * longer than any rule looks back, adding their peak tool-call rate to the user's baseline. It shares the
 * {@link RuleProcessor}'s stores and ignores the records themselves.
 */
public final class SuppressionSweeper implements Processor<String, AgentEvent, String, SecurityAlert> {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    private final RuleEngine engine;
    private ProcessorContext<String, SecurityAlert> context;
    private KeyValueStore<String, byte[]> sessions;
    private KeyValueStore<String, byte[]> baselines;

    public SuppressionSweeper(RuleEngine engine) {
        this.engine = engine;
    }

    @Override
    public void init(ProcessorContext<String, SecurityAlert> context) {
        this.context = context;
        this.sessions = context.getStateStore(RuleProcessor.SESSION_STORE);
        this.baselines = context.getStateStore(RuleProcessor.BASELINE_STORE);
        context.schedule(INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, AgentEvent> record) {
        // the RuleProcessor handles events; this node only sweeps
    }

    private void sweep(long wallClockMillis) {
        Instant now = Instant.ofEpochMilli(wallClockMillis);
        List<KeyValue<String, byte[]>> swept = new ArrayList<>();
        List<String> retired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = sessions.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                if (SessionRuleState.sweepAtMillis(entry.value) > wallClockMillis) {
                    continue; // nothing due: most sessions, left undecoded
                }
                SessionRuleState state = SessionRuleState.fromBytes(entry.value);
                for (SecurityAlert update : engine.expire(state, now)) {
                    context.forward(new Record<>(entry.key, update, wallClockMillis));
                }
                if (engine.isStale(state, now)) {
                    retired.add(entry.key);
                    if (state.userId() != null && state.peakToolCalls() > 0) {
                        byte[] stored = baselines.get(state.userId());
                        UserBaseline baseline = stored == null ? UserBaseline.empty() : UserBaseline.fromBytes(stored);
                        baselines.put(state.userId(), baseline.with(state.peakToolCalls()).toBytes());
                    }
                } else {
                    // some alerts closed (or the state predates sweep times): store it with its next sweep time
                    swept.add(KeyValue.pair(entry.key, state.toBytes(engine.nextSweepMillis(state))));
                }
            }
        }
        swept.forEach(entry -> sessions.put(entry.key, entry.value));
        retired.forEach(sessions::delete);
    }
}
