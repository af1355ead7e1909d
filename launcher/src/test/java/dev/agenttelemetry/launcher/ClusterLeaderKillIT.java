package dev.agenttelemetry.launcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/**
 * Drill 1 on a 3-node cluster: the broker leading most of the raw topic's partitions is killed with SIGKILL while hooks
 * keep arriving, and started again on its data 20 s later. Nothing accepted is lost or doubled, chains stay unbroken.
 */
class ClusterLeaderKillIT {
    @Test
    void theLeaderOfTheRawTopicKilledAndRestartedLosesAndDuplicatesNothing() throws Exception {
        try (ClusterDrill drill = ClusterDrill.start("cluster-kill")) {
            int leader = drill.cluster.leaderOfMost(drill.topics.raw().name());
            long killed = System.nanoTime();
            drill.cluster.kill(leader);
            System.out.printf("killed node %d, the leader of most %s partitions%n", leader, drill.topics.raw().name());
            drill.probeAlerts(10, Duration.ofSeconds(2));
            drill.hooks.keepPostingUntil(killed, Duration.ofSeconds(20));
            drill.cluster.restart(leader);
            drill.faultEnded();
            System.out.printf("node %d back after %.0f s%n", leader, (System.nanoTime() - killed) / 1e9);
            drill.cluster.awaitFullIsr(List.of(drill.topics.raw().name(), drill.topics.events().name()), Duration.ofMinutes(2));
            drill.verify();
        }
    }
}
