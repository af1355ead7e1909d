package dev.agenttelemetry.launcher;

import dev.agenttelemetry.launcher.up.UpCommand;
import dev.agenttelemetry.testkit.ChildJvm;

import java.io.IOException;
import java.time.Duration;

/** The {@code agent-telemetry} command in a JVM of its own, for tests that kill it. */
final class ChildProcesses {
    private ChildProcesses() {
    }

    /** Starts {@code agent-telemetry ARGS} on the test class path, its error output merged into its output. */
    static Process start(String... args) throws IOException {
        return ChildJvm.startMain(AgentTelemetry.class, args);
    }

    /** Waits for {@code agent-telemetry up} to say it is ready; returns the collector's URL. */
    static String awaitCollectorUrl(Process up) throws IOException {
        return ChildJvm.awaitLine(up, UpCommand.READY_LINE, Duration.ofSeconds(150));
    }
}
