package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.avro.SessionActivity;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Publishes each window's latest activity once per interval of wall-clock time instead of at every update.
 * The window aggregators forward an update per event, so a busy session's windows would otherwise be published
 * many times a second, and each update scored, sent and forwarded to Loki; live panels need no more than one a
 * second.
 * <p>
 * The latest updates wait here, in memory. So that one held when the application stopped is not lost, the
 * first publication after a start (or a rebalance) also publishes every window the store holds: a window's
 * activity is a snapshot, so publishing it again is harmless. With a zero interval, every update is passed on
 * at once.
 */
public final class LatestWindowPublisher implements Processor<Windowed<String>, SessionActivity, Windowed<String>, SessionActivity> {
    private final Duration interval;
    private final String storeName;
    private final Function<SessionActivity, Windowed<String>> windowOf;
    private final Map<Windowed<String>, Record<Windowed<String>, SessionActivity>> latest = new LinkedHashMap<>();
    private ProcessorContext<Windowed<String>, SessionActivity> context;
    private boolean publishStoredWindows = true;

    private LatestWindowPublisher(Duration interval, String storeName, Function<SessionActivity, Windowed<String>> windowOf) {
        this.interval = interval;
        this.storeName = storeName;
        this.windowOf = windowOf;
    }

    /** For the minute windows of {@link MinuteWindowAggregator}. */
    public static LatestWindowPublisher ofMinuteWindows(Duration interval) {
        return new LatestWindowPublisher(interval, MinuteWindowAggregator.STORE, MinuteWindowAggregator::windowOf);
    }

    /** For the session windows of {@link SessionWindowAggregator}. */
    public static LatestWindowPublisher ofSessionWindows(Duration interval) {
        return new LatestWindowPublisher(interval, SessionWindowAggregator.STORE, SessionWindowAggregator::windowOf);
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
            KeyValueStore<String, SessionActivity> store = context.getStateStore(storeName);
            try (KeyValueIterator<String, SessionActivity> all = store.all()) {
                all.forEachRemaining(window -> {
                    Windowed<String> key = windowOf.apply(window.value);
                    latest.putIfAbsent(key, new Record<>(key, window.value, wallClockMillis));
                });
            }
        }
        latest.values().forEach(context::forward);
        latest.clear();
    }
}
