package dev.agenttelemetry.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The one retry policy of the pipeline (Loki pushes, alert deliveries, the collector's spool replay): a pure
 * decision from the outcome of an attempt, exponential backoff with full jitter (attempt n waits a uniformly random
 * time between 0 and min(max, initial * 2^(n-1)), so that many clients that failed together do not retry together),
 * and a {@link Sleeper} that tests replace.
 *
 * @param maxRetries     retries after the first attempt; {@link #FOREVER} never gives up
 * @param initialBackoff the ceiling of the first wait
 * @param maxBackoff     the largest ceiling
 * @param random         a uniformly random long in [0, bound]: jitter, injectable for tests
 * @param sleeper        how a wait is spent
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, LongUnaryOperator random, Sleeper sleeper) {
    public static final int FOREVER = Integer.MAX_VALUE;

    /** What an attempt came to. */
    public enum Outcome {
        SUCCEEDED,
        /** Trying again can succeed: the server was busy, overloaded or did not answer. */
        RETRIABLE,
        /** Trying again cannot succeed: the request or its credentials are wrong. */
        FATAL
    }

    /** After an attempt: try again after {@code delay}, or stop. */
    public record Decision(boolean retry, Duration delay) {
        static final Decision STOP = new Decision(false, Duration.ZERO);
    }

    /** How a wait is spent: {@link Thread#sleep} in production. */
    @FunctionalInterface
    public interface Sleeper {
        Sleeper THREAD = wait -> Thread.sleep(wait.toMillis());

        void sleep(Duration wait) throws InterruptedException;
    }

    public RetryPolicy {
        if (maxRetries < 0 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retries " + maxRetries + ", backoff " + initialBackoff + " up to " + maxBackoff);
        }
    }

    /** Full jitter from {@link ThreadLocalRandom}, waits on the calling thread. */
    public static RetryPolicy of(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(maxRetries, initialBackoff, maxBackoff, bound -> ThreadLocalRandom.current().nextLong(bound + 1), Sleeper.THREAD);
    }

    /** The same policy with another jitter source and sleeper (tests). */
    public RetryPolicy with(LongUnaryOperator random, Sleeper sleeper) {
        return new RetryPolicy(maxRetries, initialBackoff, maxBackoff, random, sleeper);
    }

    /**
     * @param attempts the attempts made so far, this one included (1 after the first)
     * @param outcome  what the last attempt came to
     */
    public Decision decide(int attempts, Outcome outcome) {
        if (outcome != Outcome.RETRIABLE || attempts > maxRetries) {
            return Decision.STOP;
        }
        return new Decision(true, Duration.ofMillis(random.applyAsLong(ceiling(attempts))));
    }

    /** The longest wait after {@code attempts} attempts: initial * 2^(attempts-1), at most the maximum. */
    long ceiling(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        long ceiling = initialBackoff.toMillis() << doublings;
        return ceiling < 0 || ceiling > maxBackoff.toMillis() ? maxBackoff.toMillis() : ceiling;
    }

    /** Waits as decided. */
    public void await(Decision decision) throws InterruptedException {
        sleeper.sleep(decision.delay());
    }

    /**
     * An HTTP answer's outcome. 408 (timeout), 429 (too many requests) and 5xx are worth another try, except 501 (not
     * implemented) and 505 (version not supported), which the server will answer again.
     */
    public static Outcome ofHttpStatus(int status) {
        if (status / 100 == 2) {
            return Outcome.SUCCEEDED;
        }
        return status == 408 || status == 429 || (status / 100 == 5 && status != 501 && status != 505) ? Outcome.RETRIABLE : Outcome.FATAL;
    }
}
