package dev.agenttelemetry.launcher;

import dev.agenttelemetry.testkit.ChildJvm;
import dev.agenttelemetry.testkit.TestKafka;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drill 4 on a 3-node cluster: the enricher and the analytics app scaled from 1 to 3 instances and back to 1 under
 * load, each with a standby replica of its state ({@code num.standby.replicas=1}). Prints how long each new instance
 * took to reach RUNNING (its state restored); nothing is lost or doubled.
 */
class ClusterScaleIT {
    private static final String STANDBYS = "enricher.streams.num.standby.replicas=1\nanalytics.streams.num.standby.replicas=1\n";

    @Test
    void scalingTheStreamsApplicationsOutAndBackInLosesAndDuplicatesNothing() throws Exception {
        try (ClusterDrill drill = ClusterDrill.start("cluster-scale", STANDBYS.strip().split("\n"))) {
            List<Process> added = new ArrayList<>();
            try {
                for (int instance = 2; instance <= 3; instance++) {
                    for (String app : List.of("enricher", "analytics")) {
                        added.add(startInstance(drill, app, instance));
                    }
                }
                drill.probeAlerts(5, Duration.ofSeconds(1));
                drill.hooks.awaitMore(150);
            } finally {
                long stopping = System.nanoTime();
                for (Process instance : added) {
                    instance.destroy(); // SIGTERM: leaves the group, its tasks move back
                }
                for (Process instance : added) {
                    assertThat(instance.waitFor(120, TimeUnit.SECONDS)).as("an added instance stopped").isTrue();
                }
                System.out.printf("scaled back to 1 instance of each in %.1f s%n", (System.nanoTime() - stopping) / 1e9);
            }
            drill.probeAlerts(5, Duration.ofSeconds(1));
            drill.faultEnded();
            drill.verify();
        }
    }

    /** One more instance of a Streams application, in a JVM and data directory of its own; running when this returns. */
    private static Process startInstance(ClusterDrill drill, String app, int instance) throws Exception {
        Path dataDir = TestKafka.workDir("cluster-scale-" + app + instance + "-");
        Files.writeString(dataDir.resolve(PipelineSettings.CONFIG_FILE_NAME), STANDBYS);
        long starting = System.nanoTime();
        Process process = ChildProcesses.start(app, "--data-dir", dataDir.toString(), "--bootstrap-servers", drill.cluster.bootstrapServers(),
                "--schema-registry-url", drill.registryUrl, "--metrics-port", "0");
        ChildJvm.awaitLine(process, Pattern.compile("^Ready: " + app + " running"), Duration.ofSeconds(120));
        System.out.printf("%s instance %d RUNNING, its tasks' state restored, %.1f s after its start%n", app, instance, (System.nanoTime() - starting) / 1e9);
        return process;
    }
}
