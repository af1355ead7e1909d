package dev.agenttelemetry.launcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * Drill 5 on a 3-node cluster: with one broker down, {@code up} is stopped and started again: it starts (topics,
 * registry, Streams applications, Connect) and processes, with the registry's topic and every other one replicated.
 */
class ClusterStartWithBrokerDownIT {
    @Test
    void upRestartsAndProcessesWhileABrokerIsDown() throws Exception {
        try (ClusterDrill drill = ClusterDrill.start("cluster-down")) {
            int down = drill.cluster.leaderOfMost("_schemas");
            drill.cluster.kill(down);
            System.out.printf("killed node %d, the leader of _schemas%n", down);
            drill.hooks.awaitMore(20);
            drill.stopPipeline();
            long restarting = System.nanoTime();
            drill.startPipeline();
            System.out.printf("up started again in %.1f s with node %d down%n", (System.nanoTime() - restarting) / 1e9, down);
            drill.probeAlerts(5, Duration.ofSeconds(1));
            drill.hooks.awaitMore(100);
            drill.cluster.restart(down);
            drill.faultEnded();
            drill.verify();
        }
    }
}
