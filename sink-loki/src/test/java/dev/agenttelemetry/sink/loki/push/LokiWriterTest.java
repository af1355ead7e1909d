package dev.agenttelemetry.sink.loki.push;

import dev.agenttelemetry.retry.RetryPolicy;
import dev.agenttelemetry.lokistandin.FakeLoki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer against the Loki stand-in: one stream per request, bounded requests, halving to what Loki refused, the errors to fix. */
class LokiWriterTest {
    private FakeLoki loki;
    private LokiWriter writer;
    private final long now = Instant.now().toEpochMilli() * 1_000_000L;

    @BeforeEach
    void start() throws Exception {
        loki = FakeLoki.start();
        writer = writer(3);
    }

    @AfterEach
    void stop() {
        writer.close();
        loki.close();
    }

    private LokiWriter writer(int maxRecords) {
        LokiClient client = new LokiClient(URI.create(loki.url() + "/loki/api/v1/push"), "", Optional.empty(), Duration.ofSeconds(5),
                PushEncoding.PROTOBUF, Optional.empty());
        return new LokiWriter(client, maxRecords, 1024 * 1024, RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(5)), 2);
    }

    private LokiEntry entry(String kind, long offsetMillis, String line) {
        SortedMap<String, String> labels = new TreeMap<>(Map.of("service", "agent-telemetry", "kind", kind));
        return new LokiEntry(labels, now + offsetMillis * 1_000_000L, line, new TreeMap<>(Map.of("event_id", line)));
    }

    @Test
    void groupsByStreamInTimeOrderWithinTheRecordBound() throws Exception {
        List<LokiEntry> entries = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            entries.add(entry(i % 2 == 0 ? "event" : "alert", 10 - i, "line-" + i)); // interleaved, newest first
        }
        assertThat(writer.write(entries)).isEmpty();

        assertThat(loki.requests()).as("4 events in 2 requests of at most 3, 3 alerts in 1").isEqualTo(3);
        List<FakeLoki.Entry> events = loki.entries(Map.of("kind", "event"));
        assertThat(events).extracting(FakeLoki.Entry::line).containsExactlyInAnyOrder("line-0", "line-2", "line-4", "line-6");
        assertThat(loki.entries(Map.of("kind", "alert"))).hasSize(3).allSatisfy(e -> assertThat(e.metadata()).containsKey("event_id"));
        assertThat(writer.requests(List.of(entry("event", 1, "a"), entry("event", 2, "b"), entry("event", 3, "c"), entry("event", 4, "d"))))
                .extracting(List::size).containsExactly(3, 1);
    }

    @Test
    void splitsARefusedRequestDownToTheEntriesLokiWillNeverTake() throws Exception {
        List<LokiEntry> entries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            entries.add(entry("event", i, "fine-" + i));
        }
        LokiEntry tooOld = new LokiEntry(entries.get(0).labels(), now - Duration.ofDays(30).toNanos(), "too-old", new TreeMap<>());
        entries.add(3, tooOld);
        try (LokiWriter all = writer(10)) {
            List<LokiWriter.Rejected> rejected = all.write(entries);
            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.entry()).isEqualTo(tooOld);
                assertThat(r.reason()).startsWith("Loki answered 400").contains("too old");
            });
        }
        assertThat(loki.entries()).extracting(FakeLoki.Entry::line).as("every valid entry stored once")
                .containsExactlyInAnyOrder("fine-0", "fine-1", "fine-2", "fine-3", "fine-4", "fine-5");
    }

    @Test
    void retriesTemporaryAnswersAndNamesTheSettingToFixForTheOthers() throws Exception {
        loki.failNext(new FakeLoki.Failure(503, "unavailable\n", Duration.ZERO), new FakeLoki.Failure(429, "slow down\n", Duration.ZERO));
        assertThat(writer.write(List.of(entry("event", 0, "after-retries")))).isEmpty();
        assertThat(loki.entries()).extracting(FakeLoki.Entry::line).containsExactly("after-retries");

        loki.failNext(new FakeLoki.Failure(500, "a\n", Duration.ZERO), new FakeLoki.Failure(500, "b\n", Duration.ZERO),
                new FakeLoki.Failure(500, "c\n", Duration.ZERO));
        assertThatThrownBy(() -> writer.write(List.of(entry("event", 1, "x")))).isInstanceOfSatisfying(LokiPushException.class, e -> {
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).contains("after 3 attempts");
        });

        loki.failNext(new FakeLoki.Failure(401, "no org id\n", Duration.ZERO));
        assertThatThrownBy(() -> writer.write(List.of(entry("event", 2, "y")))).isInstanceOfSatisfying(LokiPushException.class, e -> {
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains("loki.tenant", "loki.auth");
        });
        loki.failNext(new FakeLoki.Failure(404, "404 page not found\n", Duration.ZERO));
        assertThatThrownBy(() -> writer.write(List.of(entry("event", 3, "z")))).isInstanceOfSatisfying(LokiPushException.class,
                e -> assertThat(e.getMessage()).contains("check loki.url"));

        long before = loki.requests();
        loki.failNext(new FakeLoki.Failure(501, "not implemented\n", Duration.ZERO));
        assertThat(writer.write(List.of(entry("event", 4, "w")))).as("refused: dead-lettered").hasSize(1);
        assertThat(loki.requests() - before).as("501 is the server's final answer: not retried").isEqualTo(1L);
    }
}
