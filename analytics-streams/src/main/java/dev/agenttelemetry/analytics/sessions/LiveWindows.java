package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.avro.SessionActivity;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The open windows of one aggregator: in a changelogged key-value store, each value carrying its window's bounds
 * in {@code window_start}/{@code window_end}, and as objects. The store holds each window serialized, and decoding
 * it again on every event cost as much as the aggregation itself, so the windows written also stay here as
 * objects. Every write goes to both; the objects are dropped at each init, after which the store may have been
 * restored from its changelog. The object an update is forwarded with is the live one: downstream sees it as of
 * when it looks, which for a latest-value publisher is the point.
 */
final class LiveWindows {
    private final KeyValueStore<String, SessionActivity> store;
    private final Map<String, SessionActivity> live = new HashMap<>();

    private LiveWindows(KeyValueStore<String, SessionActivity> store) {
        this.store = store;
    }

    /** Cached: a busy session's windows are written to RocksDB and the changelog once per commit, not once per event. */
    static StoreBuilder<KeyValueStore<String, SessionActivity>> store(String name, Serde<SessionActivity> activitySerde) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), activitySerde).withCachingEnabled();
    }

    /** Call from the processor's init. */
    static LiveWindows open(ProcessorContext<?, ?> context, String storeName) {
        return new LiveWindows(context.getStateStore(storeName));
    }

    SessionActivity get(String key) {
        SessionActivity window = live.get(key);
        return window != null ? window : store.get(key);
    }

    void put(String key, SessionActivity window) {
        store.put(key, window);
        live.put(key, window);
    }

    /** Deletes the windows that no event on time could still change. */
    void retire(Predicate<SessionActivity> closed) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, SessionActivity> all = store.all()) {
            all.forEachRemaining(window -> {
                if (closed.test(window.value)) {
                    keys.add(window.key);
                }
            });
        }
        for (String key : keys) {
            store.delete(key);
            live.remove(key);
        }
    }

    static long start(SessionActivity window) {
        return window.getWindowStart().toEpochMilli();
    }

    static long end(SessionActivity window) {
        return window.getWindowEnd().toEpochMilli();
    }
}
