package dev.agenttelemetry.runtime;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StallDetectorTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final TopicPartition RAW_0 = new TopicPartition("agent.hooks.raw", 0);
    private final StallDetector detector = new StallDetector(Duration.ofMinutes(3));

    /** The group committed {@code committed}; the input ends at {@code end}. */
    private static Optional<StallDetector.InputLag> input(long committed, long end) {
        return Optional.of(new StallDetector.InputLag(Map.of(RAW_0, committed), Math.max(0, end - committed - 1), end));
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void newInputWaitingBehindOffsetsThatDoNotMoveForTheTimeoutIsAStall() {
        assertThat(detector.stalled(input(100, 150), at(0))).isFalse();
        assertThat(detector.stalled(input(100, 160), at(30))).as("new input: the clock starts").isFalse();
        assertThat(detector.stalled(input(100, 300), at(180))).as("150 s").isFalse();
        assertThat(detector.stalled(input(100, 400), at(210))).as("180 s").isTrue();
        assertThat(detector.stalled(input(100, 400), at(400))).as("after the restart, only newer input counts").isFalse();
        assertThat(detector.stalled(input(100, 410), at(430))).isFalse();
        assertThat(detector.stalled(input(100, 420), at(610))).isTrue();
    }

    @Test
    void movingOffsetsAreProgress() {
        assertThat(detector.stalled(input(100, 150), at(0))).isFalse();
        assertThat(detector.stalled(input(100, 160), at(30))).isFalse();
        assertThat(detector.stalled(input(101, 170), at(150))).isFalse();
        assertThat(detector.stalled(input(101, 180), at(180))).isFalse();
        assertThat(detector.stalled(input(101, 190), at(300))).as("120 s since new input found the offsets still").isFalse();
        assertThat(detector.stalled(input(101, 200), at(360))).isTrue();
    }

    @Test
    void aBacklogWithoutNewInputIsNotAStall() {
        // An idle application's offsets can stay behind the input's end: an aborted transaction's records are skipped.
        assertThat(detector.stalled(input(100, 105), at(0))).isFalse();
        assertThat(detector.stalled(input(100, 105), at(3600))).isFalse();
        assertThat(detector.stalled(input(100, 106), at(3630))).as("new input just seen").isFalse();
        assertThat(detector.stalled(input(106, 107), at(3660))).as("and processed").isFalse();
    }

    @Test
    void anApplicationWithNothingToDoIsNotStalled() {
        assertThat(detector.stalled(input(100, 101), at(0))).isFalse();
        assertThat(detector.stalled(input(100, 101), at(3600))).isFalse();
    }

    @Test
    void timeWhileKafkaDoesNotAnswerDoesNotCount() {
        assertThat(detector.stalled(input(100, 150), at(0))).isFalse();
        assertThat(detector.stalled(input(100, 160), at(30))).isFalse();
        assertThat(detector.stalled(Optional.empty(), at(330))).as("Kafka away for 5 minutes").isFalse();
        assertThat(detector.stalled(input(100, 500), at(360))).as("Kafka back: the application gets the whole timeout").isFalse();
        assertThat(detector.stalled(input(100, 600), at(500))).isFalse();
        assertThat(detector.stalled(input(100, 700), at(540))).isTrue();
    }

    @Test
    void restoringStateIsProgress() {
        assertThat(detector.stalled(input(100, 150), at(0))).isFalse();
        assertThat(detector.stalled(input(100, 160), at(30))).isFalse();
        detector.restored();
        assertThat(detector.stalled(input(100, 170), at(190))).as("the clock starts again after the restore").isFalse();
        assertThat(detector.stalled(input(100, 180), at(300))).isFalse();
        assertThat(detector.stalled(input(100, 190), at(370))).isTrue();
    }
}
