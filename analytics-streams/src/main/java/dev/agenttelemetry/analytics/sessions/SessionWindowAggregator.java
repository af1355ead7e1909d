package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.analytics.detection.Evaluated;
import dev.agenttelemetry.avro.SessionActivity;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
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
 * Session windows (an inactivity gap ends one) of each session's activity, keeping one window per session id:
 * the latest, in {@value #STORE} (see {@link LiveWindows}). It emits what the DSL's session-window aggregation
 * emits: each window's new activity, and a tombstone for its old bounds when an event extends it. The DSL's
 * cached session store scans every pending update of a session on each event, which took a third of the stream
 * thread when events come in bulk.
 * <p>
 * One window per session is enough because the grace period is never longer than the gap: an event late by
 * no more than the grace lies within the gap of the session's latest window (or after it), never in an older
 * one. Events the DSL would drop as too late (their window ended before stream time minus grace) are dropped
 * here too. A window is retired once no event it could still take is on time.
 */
public final class SessionWindowAggregator implements Processor<String, Evaluated, Windowed<String>, SessionActivity> {
    public static final String STORE = "session-activity-by-session";
    static final Duration RETIRE_INTERVAL = Duration.ofMinutes(1);

    private final long gapMillis;
    private final long graceMillis;
    private ProcessorContext<Windowed<String>, SessionActivity> context;
    private LiveWindows windows;

    public SessionWindowAggregator(Duration gap, Duration grace) {
        this.gapMillis = gap.toMillis();
        this.graceMillis = Math.min(grace.toMillis(), gapMillis);
    }

    public static StoreBuilder<KeyValueStore<String, SessionActivity>> store(Serde<SessionActivity> activitySerde) {
        return LiveWindows.store(STORE, activitySerde);
    }

    /** The window key of a stored activity. */
    static Windowed<String> windowOf(SessionActivity activity) {
        return new Windowed<>(activity.getSessionId(), new SessionWindow(start(activity), end(activity)));
    }

    @Override
    public void init(ProcessorContext<Windowed<String>, SessionActivity> context) {
        this.context = context;
        this.windows = LiveWindows.open(context, STORE);
        context.schedule(RETIRE_INTERVAL, PunctuationType.STREAM_TIME,
                streamTime -> windows.retire(window -> end(window) + gapMillis < streamTime - graceMillis));
    }

    @Override
    public void process(Record<String, Evaluated> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        long time = record.timestamp();
        SessionActivity latest = windows.get(record.key());
        boolean joins = latest != null && time >= start(latest) - gapMillis && time <= end(latest) + gapMillis;
        long start = joins ? Math.min(start(latest), time) : time;
        long end = joins ? Math.max(end(latest), time) : time;
        if (end < context.currentStreamTimeMs() - graceMillis) {
            return; // too late for its window, as in the DSL
        }
        if (joins && (start != start(latest) || end != end(latest))) {
            context.forward(new Record<>(windowOf(latest), null, time));
        }
        SessionActivity activity = SessionActivityAggregator.add(record.key(), record.value(), joins ? latest : SessionActivityAggregator.empty());
        activity.setWindowStart(Instant.ofEpochMilli(start));
        activity.setWindowEnd(Instant.ofEpochMilli(end));
        windows.put(record.key(), activity);
        context.forward(new Record<>(windowOf(activity), activity, time));
    }
}
