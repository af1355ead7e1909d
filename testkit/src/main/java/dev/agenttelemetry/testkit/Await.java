package dev.agenttelemetry.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests on a condition, with a deadline, instead of on a fixed sleep. */
public final class Await {
    private Await() {
    }

    /**
     * Polls {@code condition} every {@code poll} until it holds; fails naming {@code what} after {@code timeout}.
     *
     * @return how long it took
     */
    public static Duration until(String what, Duration timeout, Duration poll, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(poll.toMillis()); // the condition is checked again after each interval until the deadline
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
