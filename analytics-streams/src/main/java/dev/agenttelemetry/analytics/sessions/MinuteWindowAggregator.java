package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.analytics.detection.Evaluated;
import dev.agenttelemetry.avro.SessionActivity;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.time.Duration;
import java.time.Instant;

import static dev.agenttelemetry.analytics.sessions.LiveWindows.end;
import static dev.agenttelemetry.analytics.sessions.LiveWindows.start;

/**
 * Tumbling windows of each session's activity, in {@value #STORE} keyed by session and window start (see
 * {@link LiveWindows}); emits each window's new activity, as the DSL's windowed aggregation does. An event
 * whose window ended before stream time minus the grace period is dropped, as in the DSL, and such windows are
 * retired from the store.
 */
public final class MinuteWindowAggregator implements Processor<String, Evaluated, Windowed<String>, SessionActivity> {
    public static final String STORE = "session-activity-per-minute-window";

    private final long sizeMillis;
    private final long graceMillis;
    private ProcessorContext<Windowed<String>, SessionActivity> context;
    private LiveWindows windows;

    public MinuteWindowAggregator(Duration size, Duration grace) {
        this.sizeMillis = size.toMillis();
        this.graceMillis = grace.toMillis();
    }

    public static StoreBuilder<KeyValueStore<String, SessionActivity>> store(Serde<SessionActivity> activitySerde) {
        return LiveWindows.store(STORE, activitySerde);
    }

    /** The window key of a stored activity. */
    static Windowed<String> windowOf(SessionActivity activity) {
        return new Windowed<>(activity.getSessionId(), new TimeWindow(start(activity), end(activity)));
    }

    @Override
    public void init(ProcessorContext<Windowed<String>, SessionActivity> context) {
        this.context = context;
        this.windows = LiveWindows.open(context, STORE);
        context.schedule(Duration.ofMillis(sizeMillis), PunctuationType.STREAM_TIME,
                streamTime -> windows.retire(window -> end(window) <= streamTime - graceMillis));
    }

    @Override
    public void process(Record<String, Evaluated> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        long start = record.timestamp() - Math.floorMod(record.timestamp(), sizeMillis);
        long end = start + sizeMillis;
        if (end <= context.currentStreamTimeMs() - graceMillis) {
            return; // too late for its window, as in the DSL
        }
        String key = record.key() + '@' + start;
        SessionActivity window = windows.get(key);
        SessionActivity activity = SessionActivityAggregator.add(record.key(), record.value(), window != null ? window : SessionActivityAggregator.empty());
        activity.setWindowStart(Instant.ofEpochMilli(start));
        activity.setWindowEnd(Instant.ofEpochMilli(end));
        windows.put(key, activity);
        context.forward(new Record<>(windowOf(activity), activity, record.timestamp()));
    }
}
