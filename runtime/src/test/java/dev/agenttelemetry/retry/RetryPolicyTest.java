package dev.agenttelemetry.retry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    private final List<Duration> slept = new ArrayList<>();

    @Test
    void waitsUpToADoublingCeilingCappedAtTheMaximum() {
        RetryPolicy policy = RetryPolicy.of(10, Duration.ofMillis(100), Duration.ofMillis(1_000)).with(bound -> bound, slept::add);

        List<Long> waits = new ArrayList<>();
        for (int attempts = 1; attempts <= 6; attempts++) {
            waits.add(policy.decide(attempts, RetryPolicy.Outcome.RETRIABLE).delay().toMillis());
        }

        assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
    }

    @Test
    void fullJitterDrawsBetweenZeroAndTheCeiling() {
        List<Long> bounds = new ArrayList<>();
        RetryPolicy policy = RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(10)).with(bound -> {
            bounds.add(bound);
            return 0;
        }, slept::add);

        RetryPolicy.Decision decision = policy.decide(3, RetryPolicy.Outcome.RETRIABLE);

        assertThat(bounds).containsExactly(400L);
        assertThat(decision.retry()).isTrue();
        assertThat(decision.delay()).isZero();
        for (int i = 0; i < 1_000; i++) {
            assertThat(RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(10)).decide(2, RetryPolicy.Outcome.RETRIABLE).delay())
                    .isBetween(Duration.ZERO, Duration.ofMillis(200));
        }
    }

    @Test
    void stopsOnSuccessOnAFatalOutcomeAndWhenRetriesRunOut() throws InterruptedException {
        RetryPolicy policy = RetryPolicy.of(2, Duration.ofMillis(10), Duration.ofMillis(10)).with(bound -> bound, slept::add);

        assertThat(policy.decide(1, RetryPolicy.Outcome.SUCCEEDED).retry()).isFalse();
        assertThat(policy.decide(1, RetryPolicy.Outcome.FATAL).retry()).isFalse();
        assertThat(policy.decide(2, RetryPolicy.Outcome.RETRIABLE).retry()).isTrue();
        assertThat(policy.decide(3, RetryPolicy.Outcome.RETRIABLE).retry()).as("the first attempt and 2 retries made").isFalse();
        assertThat(RetryPolicy.of(RetryPolicy.FOREVER, Duration.ofMillis(1), Duration.ofSeconds(1)).decide(1_000_000, RetryPolicy.Outcome.RETRIABLE)
                .delay()).isLessThanOrEqualTo(Duration.ofSeconds(1));

        policy.await(policy.decide(1, RetryPolicy.Outcome.RETRIABLE));
        assertThat(slept).containsExactly(Duration.ofMillis(10));
    }

    @ParameterizedTest
    @CsvSource({"200, SUCCEEDED", "204, SUCCEEDED", "400, FATAL", "401, FATAL", "404, FATAL", "408, RETRIABLE", "413, FATAL",
            "429, RETRIABLE", "500, RETRIABLE", "501, FATAL", "502, RETRIABLE", "503, RETRIABLE", "504, RETRIABLE", "505, FATAL"})
    void classifiesHttpAnswers(int status, RetryPolicy.Outcome outcome) {
        assertThat(RetryPolicy.ofHttpStatus(status)).isEqualTo(outcome);
    }
}
