package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.analytics.detection.Evaluated;
import dev.agenttelemetry.avro.SessionActivity;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Session windows (an inactivity gap ends one) of each session's activity, keeping one window per session id:
 * the latest, in {@value #STORE}, with its bounds in {@code window_start}/{@code window_end}. It emits what the
 * DSL's session-window aggregation emits: each window's new activity, and a tombstone for its old bounds when
 * an event extends it. The DSL's cached session store scans every pending update of a session on each event,
 * which took a third of the stream thread when events come in bulk.
 * <p>
 * One window per session is enough because the grace period is never longer than the gap: an event late by
 * no more than the grace lies within the gap of the session's latest window (or after it), never in an older
 * one. Events the DSL would drop as too late (their window ended before stream time minus grace) are dropped
 * here too. A window is retired once no event it could still take is on time.
 * <p>
 * The store holds each window serialized; decoding it again on every event cost as much as the aggregation, so
 * the windows also stay here as objects. Every write goes to both, and the objects are dropped at each init,
 * after which the store may have been restored from its changelog. The object a window's update is forwarded
 * with is the live one: downstream sees it as of when it looks, which for a latest-value publisher is the point.
 */
public final class SessionWindowAggregator implements Processor<String, Evaluated, Windowed<String>, SessionActivity> {
    public static final String STORE = "session-activity-by-session";
    static final Duration RETIRE_INTERVAL = Duration.ofMinutes(1);

    private final long gapMillis;
    private final long graceMillis;
    private ProcessorContext<Windowed<String>, SessionActivity> context;
    private KeyValueStore<String, SessionActivity> windows;
    private final Map<String, SessionActivity> live = new HashMap<>();

    public SessionWindowAggregator(Duration gap, Duration grace) {
        this.gapMillis = gap.toMillis();
        this.graceMillis = Math.min(grace.toMillis(), gapMillis);
    }

    /** Cached: a busy session's window is written to RocksDB and its changelog once per commit, not once per event. */
    public static StoreBuilder<KeyValueStore<String, SessionActivity>> store(Serde<SessionActivity> activitySerde) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), activitySerde).withCachingEnabled();
    }

    @Override
    public void init(ProcessorContext<Windowed<String>, SessionActivity> context) {
        this.context = context;
        this.windows = context.getStateStore(STORE);
        this.live.clear();
        context.schedule(RETIRE_INTERVAL, PunctuationType.STREAM_TIME, this::retireClosedWindows);
    }

    @Override
    public void process(Record<String, Evaluated> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        long time = record.timestamp();
        SessionActivity latest = live.get(record.key());
        if (latest == null) {
            latest = windows.get(record.key());
        }
        boolean joins = latest != null && time >= start(latest) - gapMillis && time <= end(latest) + gapMillis;
        long start = joins ? Math.min(start(latest), time) : time;
        long end = joins ? Math.max(end(latest), time) : time;
        if (end < context.currentStreamTimeMs() - graceMillis) {
            return; // too late for its window, as in the DSL
        }
        if (joins && (start != start(latest) || end != end(latest))) {
            context.forward(new Record<>(new Windowed<>(record.key(), new SessionWindow(start(latest), end(latest))), null, time));
        }
        SessionActivity activity = SessionActivityAggregator.add(record.key(), record.value(), joins ? latest : SessionActivityAggregator.empty());
        activity.setWindowStart(Instant.ofEpochMilli(start));
        activity.setWindowEnd(Instant.ofEpochMilli(end));
        windows.put(record.key(), activity);
        live.put(record.key(), activity);
        context.forward(new Record<>(windowOf(activity), activity, time));
    }

    /** The window key of a stored activity. */
    static Windowed<String> windowOf(SessionActivity activity) {
        return new Windowed<>(activity.getSessionId(), new SessionWindow(start(activity), end(activity)));
    }

    private void retireClosedWindows(long streamTime) {
        List<String> closed = new ArrayList<>();
        try (KeyValueIterator<String, SessionActivity> all = windows.all()) {
            all.forEachRemaining(window -> {
                if (end(window.value) + gapMillis < streamTime - graceMillis) {
                    closed.add(window.key);
                }
            });
        }
        for (String session : closed) {
            windows.delete(session);
            live.remove(session);
        }
    }

    private static long start(SessionActivity activity) {
        return activity.getWindowStart().toEpochMilli();
    }

    private static long end(SessionActivity activity) {
        return activity.getWindowEnd().toEpochMilli();
    }
}
