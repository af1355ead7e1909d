package dev.agenttelemetry.runtime;

import dev.agenttelemetry.testkit.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM whose stop hangs is halted after the stop limit, and says where it hung. */
class StopWatchdogTest {
    /** A command whose stop action never ends, stopped after at most 2 s. */
    public static final class HangingStop {
        public static void main(String[] args) throws InterruptedException {
            UntilStopped until = UntilStopped.onShutdown(System.out, StopWatchdogTest::waitForever, Duration.ofSeconds(2));
            System.out.println("Ready: waiting for SIGTERM");
            until.await();
        }
    }

    private static void waitForever() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void haltsAStopThatHangsAndPrintsWhereItHangs() throws Exception {
        Process child = ChildJvm.startMain(HangingStop.class);
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = output.readLine();
            } while (line != null && !line.startsWith("Ready"));
            assertThat(line).as("the child started").isNotNull();
            // Process.destroy() would send SIGTERM too, but it closes the child's output, which the test reads afterwards.
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor()).isZero();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
            StringWriter rest = new StringWriter();
            output.transferTo(rest);
            assertThat(child.exitValue()).isEqualTo(1);
            assertThat(rest.toString()).contains("agent-telemetry: stopping...", "the stop did not finish within 2 s; halting",
                    "\"agent-telemetry-shutdown\"", StopWatchdogTest.class.getName() + ".waitForever")
                    .doesNotContain("agent-telemetry: stopped.");
        } finally {
            child.destroyForcibly();
        }
    }
}
