package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.avro.SessionActivity;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Publishes each window's latest activity once per interval of wall-clock time instead of at every update.
 * The record caches of the windowed aggregations flush at every exactly-once commit (every 100 ms), so each
 * active session's windows would otherwise be published ten times a second, and each update scored, sent and
 * forwarded to Loki; live panels need no more than one a second.
 * <p>
 * The latest updates wait here, in memory. So that one held when the application stopped is not lost, the
 * first publication after a start (or a rebalance) also publishes every window the store holds: a window's
 * activity is a snapshot, so publishing it again is harmless. With a zero interval, every update is passed on
 * at once.
 */
public final class LatestWindowPublisher implements Processor<Windowed<String>, SessionActivity, Windowed<String>, SessionActivity> {
    /** Reads every window a store holds. */
    private interface StoredWindows {
        void forEach(ProcessorContext<?, ?> context, BiConsumer<Windowed<String>, SessionActivity> window);
    }

    private final Duration interval;
    private final StoredWindows storedWindows;
    private final Map<Windowed<String>, Record<Windowed<String>, SessionActivity>> latest = new LinkedHashMap<>();
    private ProcessorContext<Windowed<String>, SessionActivity> context;
    private boolean publishStoredWindows = true;

    private LatestWindowPublisher(Duration interval, StoredWindows storedWindows) {
        this.interval = interval;
        this.storedWindows = storedWindows;
    }

    /** For the tumbling windows of the DSL-materialized window store {@code storeName}. */
    public static LatestWindowPublisher ofTimeWindows(Duration interval, String storeName) {
        return new LatestWindowPublisher(interval, (context, each) -> {
            TimestampedWindowStore<String, SessionActivity> store = context.getStateStore(storeName);
            try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<SessionActivity>> all = store.all()) {
                all.forEachRemaining(window -> each.accept(window.key, window.value.value()));
            }
        });
    }

    /** For the session windows of {@link SessionWindowAggregator}'s store. */
    public static LatestWindowPublisher ofSessionWindows(Duration interval) {
        return new LatestWindowPublisher(interval, (context, each) -> {
            KeyValueStore<String, SessionActivity> store = context.getStateStore(SessionWindowAggregator.STORE);
            try (KeyValueIterator<String, SessionActivity> all = store.all()) {
                all.forEachRemaining(window -> each.accept(SessionWindowAggregator.windowOf(window.value), window.value));
            }
        });
    }

    @Override
    public void init(ProcessorContext<Windowed<String>, SessionActivity> context) {
        this.context = context;
        if (!interval.isZero()) {
            context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::publish);
        }
    }

    @Override
    public void process(Record<Windowed<String>, SessionActivity> record) {
        if (interval.isZero()) {
            context.forward(record);
        } else if (record.value() == null) {
            latest.remove(record.key()); // the old bounds of a session window that grew: only the new ones are published
        } else {
            latest.put(record.key(), record);
        }
    }

    private void publish(long wallClockMillis) {
        if (publishStoredWindows) {
            publishStoredWindows = false;
            storedWindows.forEach(context, (window, activity) -> latest.putIfAbsent(window, new Record<>(window, activity, wallClockMillis)));
        }
        latest.values().forEach(context::forward);
        latest.clear();
    }
}
