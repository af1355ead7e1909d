package dev.agenttelemetry.launcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/**
 * Drill 2 on a 3-node cluster: a rolling restart, as an upgrade does it. Each node in turn is shut down in a controlled
 * way (SIGTERM), started again, and the next waits until every replica is back in sync; hooks arrive throughout.
 */
class ClusterRollingRestartIT {
    @Test
    void aRollingRestartOfEveryBrokerLosesAndDuplicatesNothing() throws Exception {
        try (ClusterDrill drill = ClusterDrill.start("cluster-rolling")) {
            List<String> pipelineTopics = List.of(drill.topics.raw().name(), drill.topics.events().name(), drill.topics.alerts().name(),
                    drill.topics.sessions().name());
            long started = System.nanoTime();
            for (int node : drill.cluster.nodeIds()) {
                long stopping = System.nanoTime();
                drill.cluster.stop(node);
                drill.probeAlerts(3, Duration.ofSeconds(1));
                drill.cluster.restart(node);
                drill.cluster.awaitFullIsr(pipelineTopics, Duration.ofMinutes(2));
                System.out.printf("node %d stopped, restarted and in sync again in %.0f s%n", node, (System.nanoTime() - stopping) / 1e9);
            }
            drill.faultEnded();
            System.out.printf("rolling restart of %d nodes in %.0f s%n", drill.cluster.nodeIds().size(), (System.nanoTime() - started) / 1e9);
            drill.verify();
        }
    }
}
