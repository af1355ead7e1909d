package dev.agenttelemetry.sink.loki.push;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: attempt n waits between half and all of min(max, initial * 2^n). */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
    public Duration backoff(int attempt) {
        long ceiling = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }
}
