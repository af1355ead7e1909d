package dev.agenttelemetry.runtime;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * How a long-running command ends: Ctrl+C (or SIGTERM) runs its stop action, and the command's thread waits for that.
 * A JVM still stopping {@link #STOP_LIMIT} after the signal is cut short with {@code Runtime.halt}, the stacks of
 * its threads printed first: a JVM whose shutdown hook hangs could otherwise be ended only by {@code kill -9}.
 * Nothing is lost by halting: the Streams applications commit exactly once, and the collector's spool is on disk.
 */
public final class UntilStopped {
    /** Above the sum of the components' own close timeouts (Streams 30 s each, the collector's producer 10 s). */
    public static final Duration STOP_LIMIT = Duration.ofSeconds(120);

    private final CountDownLatch stopped = new CountDownLatch(1);

    private UntilStopped() {
    }

    /** Registers the stop action now, so that a stop during start-up stops what has started already. */
    public static UntilStopped onShutdown(PrintStream out, Runnable stop) {
        return onShutdown(out, stop, STOP_LIMIT);
    }

    public static UntilStopped onShutdown(PrintStream out, Runnable stop, Duration stopLimit) {
        UntilStopped until = new UntilStopped();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("agent-telemetry: stopping...");
            haltIfStillStoppingAfter(stopLimit);
            stop.run();
            out.println("agent-telemetry: stopped.");
            until.stopped.countDown();
        }, "agent-telemetry-shutdown"));
        return until;
    }

    /** Also covers shutdown hooks other than ours (libraries register their own): the JVM exits only when all have ended. */
    private static void haltIfStillStoppingAfter(Duration limit) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis()); // a deadline, not a condition: if the JVM exits first, this daemon thread goes with it
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("agent-telemetry: the stop did not finish within " + limit.toSeconds() + " s; halting. Where it hangs:");
            Thread.getAllStackTraces().forEach((thread, frames) -> {
                if (!thread.isDaemon() && frames.length > 0) {
                    System.err.println("\"" + thread.getName() + "\" " + thread.getState());
                    for (StackTraceElement frame : frames) {
                        System.err.println("\tat " + frame);
                    }
                }
            });
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }, "agent-telemetry-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    public void await() throws InterruptedException {
        stopped.await();
    }
}
