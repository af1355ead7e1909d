package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.AgentEvent;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.List;

/**
 * Runs the {@link RuleEngine} per session inside Kafka Streams. Session state lives in
 * {@value #SESSION_STORE} (key session id); users' high-frequency baselines in {@value #BASELINE_STORE}
 * (key user id; each task learns from the sessions of its own partitions). The key never changes, so the
 * windowed aggregations downstream need no repartition; {@link SuppressionSweeper} closes alerts and
 * retires idle sessions from the same stores.
 */
public final class RuleProcessor implements FixedKeyProcessor<String, AgentEvent, Evaluated> {
    public static final String SESSION_STORE = "rule-session-state";
    public static final String BASELINE_STORE = "user-frequency-baseline";

    private final RuleEngine engine;
    private FixedKeyProcessorContext<String, Evaluated> context;
    private KeyValueStore<String, byte[]> sessions;
    private KeyValueStore<String, byte[]> baselines;

    public RuleProcessor(RuleEngine engine) {
        this.engine = engine;
    }

    public static List<StoreBuilder<?>> stores() {
        // Cached: a busy session's state is written to RocksDB and its changelog once per commit, not once per event.
        return List.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSION_STORE), Serdes.String(), Serdes.ByteArray()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BASELINE_STORE), Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Evaluated> context) {
        this.context = context;
        this.sessions = context.getStateStore(SESSION_STORE);
        this.baselines = context.getStateStore(BASELINE_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, AgentEvent> record) {
        AgentEvent event = record.value();
        if (event == null || record.key() == null) {
            return;
        }
        byte[] stored = sessions.get(record.key());
        SessionRuleState state = stored == null ? new SessionRuleState() : SessionRuleState.fromBytes(stored);
        RuleEngine.Outcome outcome = engine.onEvent(event, state, user -> {
            byte[] baseline = baselines.get(user);
            return baseline == null ? UserBaseline.empty() : UserBaseline.fromBytes(baseline);
        });
        sessions.put(record.key(), state.toBytes(engine.nextSweepMillis(state)));
        DetectionMeters.evaluated(outcome);
        context.forward(record.withValue(new Evaluated(event, outcome.alerts(),
                outcome.violations().stream().map(v -> v.severity()).toList())));
    }
}
