package dev.agenttelemetry.launcher.up;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/** How a long-running command ends: Ctrl+C (or SIGTERM) runs its stop action, and the command's thread waits for that. */
public final class UntilStopped {
    private final CountDownLatch stopped = new CountDownLatch(1);

    private UntilStopped() {
    }

    /** Registers the stop action now, so that a stop during start-up stops what has started already. */
    public static UntilStopped onShutdown(PrintStream out, Runnable stop) {
        UntilStopped until = new UntilStopped();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("agent-telemetry: stopping...");
            stop.run();
            out.println("agent-telemetry: stopped.");
            until.stopped.countDown();
        }, "agent-telemetry-shutdown"));
        return until;
    }

    public void await() throws InterruptedException {
        stopped.await();
    }
}
