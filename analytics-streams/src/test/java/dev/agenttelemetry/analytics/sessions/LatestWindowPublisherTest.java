package dev.agenttelemetry.analytics.sessions;

import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.schemas.registry.InMemorySchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What the publisher holds in memory is lost when the application stops; its first publication after a start makes up for it. */
class LatestWindowPublisherTest {
    private final Serde<SessionActivity> serde = TopicCatalog.of(TopicLayout.defaults(), new InMemorySchemaRegistry()).sessions().valueSerde();
    @TempDir
    Path stateDir;

    private MockProcessorContext<Windowed<String>, SessionActivity> context() {
        Properties props = new Properties();
        props.put("application.id", "publisher-test");
        props.put("bootstrap.servers", "unused:9092");
        return new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
    }

    private static SessionActivity activity(String session, long events) {
        SessionActivity activity = SessionActivityAggregator.empty();
        activity.setSessionId(session);
        activity.setEventCount(events);
        return activity;
    }

    private static SessionActivity activity(String session, long events, long windowStart, long windowEnd) {
        SessionActivity activity = activity(session, events);
        activity.setWindowStart(Instant.ofEpochMilli(windowStart));
        activity.setWindowEnd(Instant.ofEpochMilli(windowEnd));
        return activity;
    }

    private static List<Object> publish(MockProcessorContext<Windowed<String>, SessionActivity> context, long wallClockMillis) {
        context.resetForwards();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(wallClockMillis);
        return context.forwarded().stream().map(f -> (Object) tuple(f.record().key().key(), f.record().value().getEventCount())).toList();
    }

    @Test
    void theFirstPublicationAfterAStartIncludesEverySessionWindowInTheStore() {
        MockProcessorContext<Windowed<String>, SessionActivity> context = context();
        KeyValueStore<String, SessionActivity> store = SessionWindowAggregator.store(serde).withCachingDisabled().withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        // windows updated before a restart, whose last updates the previous instance held unpublished
        store.put("s1", activity("s1", 3, 1_000, 5_000));
        store.put("s2", activity("s2", 1, 2_000, 2_000));

        LatestWindowPublisher publisher = LatestWindowPublisher.ofSessionWindows(Duration.ofSeconds(1));
        publisher.init(context);
        publisher.process(new Record<>(new Windowed<>("s2", new SessionWindow(2_000, 2_000)), activity("s2", 2), 2_000));
        assertThat(context.forwarded()).isEmpty();

        assertThat(publish(context, 10_000)).containsExactlyInAnyOrder(tuple("s1", 3L), tuple("s2", 2L)); // s2: its newer update
        assertThat(publish(context, 11_000)).isEmpty();

        publisher.process(new Record<>(new Windowed<>("s1", new SessionWindow(1_000, 5_000)), null, 6_000)); // extended: its old bounds withdrawn
        publisher.process(new Record<>(new Windowed<>("s1", new SessionWindow(1_000, 6_000)), activity("s1", 4), 6_000));
        assertThat(publish(context, 12_000)).containsExactly(tuple("s1", 4L));
        store.close();
    }

    @Test
    void theFirstPublicationAfterAStartIncludesEveryMinuteWindowInTheStore() {
        MockProcessorContext<Windowed<String>, SessionActivity> context = context();
        KeyValueStore<String, SessionActivity> store = MinuteWindowAggregator.store(serde).withCachingDisabled().withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        store.put("s1@0", activity("s1", 5, 0, 60_000));

        LatestWindowPublisher publisher = LatestWindowPublisher.ofMinuteWindows(Duration.ofSeconds(1));
        publisher.init(context);
        assertThat(publish(context, 40_000)).containsExactly(tuple("s1", 5L));
        assertThat(context.forwarded().get(0).record().key().window()).isEqualTo(new TimeWindow(0, 60_000));
        assertThat(publish(context, 41_000)).isEmpty();
        store.close();
    }

    @Test
    void aZeroIntervalPassesEveryUpdateOnAtOnce() {
        MockProcessorContext<Windowed<String>, SessionActivity> context = context();
        LatestWindowPublisher publisher = LatestWindowPublisher.ofSessionWindows(Duration.ZERO);
        publisher.init(context);
        publisher.process(new Record<>(new Windowed<>("s1", new SessionWindow(1_000, 1_000)), activity("s1", 1), 1_000));
        publisher.process(new Record<>(new Windowed<>("s1", new SessionWindow(1_000, 2_000)), activity("s1", 2), 2_000));
        assertThat(context.forwarded()).extracting(f -> f.record().value().getEventCount()).containsExactly(1L, 2L);
        assertThat(context.scheduledPunctuators()).isEmpty();
    }
}
