package dev.agenttelemetry.analytics.risk;

import dev.agenttelemetry.avro.SessionActivity;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Scores each session-window update against the user's history (see {@link RiskModel}) and publishes it
 * keyed by session. The history lives in {@value #STORE}, keyed by user id; since the input is partitioned
 * by session, each task learns a user's norm from the sessions of its own partitions (a sample of the
 * user's sessions; no repartition by user needed).
 */
public final class RiskScorer implements Processor<Windowed<String>, SessionActivity, String, SessionActivity> {
    public static final String STORE = "user-session-history";
    private ProcessorContext<String, SessionActivity> context;
    private KeyValueStore<String, byte[]> histories;

    public static StoreBuilder<?> store() {
        // Cached: a user's history (up to 50 sessions' features) is written once per commit, not once per session update.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()).withCachingEnabled();
    }

    @Override
    public void init(ProcessorContext<String, SessionActivity> context) {
        this.context = context;
        this.histories = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<Windowed<String>, SessionActivity> record) {
        SessionActivity activity = record.value();
        if (activity == null) {
            return; // the old bounds of a session window that grew
        }
        String session = record.key().key();
        activity.setWindowKind("session"); // its bounds are the window's already
        String user = activity.getUserId() == null ? "unknown" : activity.getUserId();
        byte[] stored = histories.get(user);
        UserHistory history = stored == null ? new UserHistory() : UserHistory.fromBytes(stored);
        RiskModel.score(activity, history.others(session));
        history.put(session, SessionFeatures.of(activity));
        histories.put(user, history.toBytes());
        context.forward(new Record<>(session, activity, record.timestamp()));
    }
}
