package dev.agenttelemetry.testkit;

import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One node (broker and controller) of a {@link KafkaCluster}, in a JVM of its own: SIGTERM shuts it down in a
 * controlled way (leadership handed over first), SIGKILL is a crash. Prints {@code Ready: node N} once it serves.
 *
 * <p>Arguments: data directory, node id, client port, controller port, cluster id, voters ({@code id@host:port,...}).
 */
public final class ClusterNode {
    /** What every node of a 3-node cluster sets, as production clusters do. */
    static final Map<String, String> CLUSTER_SETTINGS = Map.of(
            "default.replication.factor", "3",
            "min.insync.replicas", "2",
            "offsets.topic.replication.factor", "3",
            "transaction.state.log.replication.factor", "3",
            "transaction.state.log.min.isr", "2",
            "share.coordinator.state.topic.replication.factor", "3",
            "share.coordinator.state.topic.min.isr", "2",
            "unclean.leader.election.enable", "false");

    private ClusterNode() {
    }

    public static void main(String[] args) throws Exception {
        int nodeId = Integer.parseInt(args[1]);
        EmbeddedKafkaBroker.Settings settings = new EmbeddedKafkaBroker.Settings(Path.of(args[0]), "127.0.0.1", Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), CLUSTER_SETTINGS, Optional.empty()).member(new EmbeddedKafkaBroker.Membership(nodeId, args[4], args[5]));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close(); // a controlled shutdown: the controller moves this node's leaderships first
            stopped.countDown();
        }, "cluster-node-stop"));
        System.out.println("Ready: node " + nodeId + " on " + broker.bootstrapServers());
        stopped.await();
    }
}
