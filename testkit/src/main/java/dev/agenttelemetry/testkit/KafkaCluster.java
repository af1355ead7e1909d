package dev.agenttelemetry.testkit;

import dev.agenttelemetry.kafka.FreePorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A Kafka cluster for drills: N KRaft nodes on loopback, each broker and controller in a JVM of its own (the real
 * crash and restart path), with replication factor 3 and {@code min.insync.replicas=2} as production clusters run.
 * A node killed or stopped starts again on its data and ports.
 */
public final class KafkaCluster implements AutoCloseable {
    private final String clusterId = Uuid.randomUuid().toString();
    private final List<Node> nodes = new ArrayList<>();
    private final String voters;

    private final class Node {
        final int id;
        final Path dataDir;
        final int port;
        final int controllerPort;
        Process process;

        Node(int id, Path dataDir, int port, int controllerPort) {
            this.id = id;
            this.dataDir = dataDir;
            this.port = port;
            this.controllerPort = controllerPort;
        }

        void start() throws IOException {
            process = ChildJvm.startMain(List.of("-Xmx384m", "-XX:+UseSerialGC"), ClusterNode.class, dataDir.toString(), Integer.toString(id), Integer.toString(port),
                    Integer.toString(controllerPort), clusterId, voters);
        }

        void awaitReady() throws IOException {
            ChildJvm.awaitLine(process, Pattern.compile("^Ready: node " + id), Duration.ofSeconds(120));
        }
    }

    private KafkaCluster(int size) {
        StringBuilder quorum = new StringBuilder();
        for (int id = 1; id <= size; id++) {
            Node node = new Node(id, TestKafka.workDir("cluster-node-" + id + "-"), FreePorts.loopback(), FreePorts.loopback());
            nodes.add(node);
            quorum.append(quorum.length() == 0 ? "" : ",").append(id).append("@127.0.0.1:").append(node.controllerPort);
        }
        voters = quorum.toString();
    }

    /** Starts {@code size} nodes at once and waits until every one serves. */
    public static KafkaCluster start(int size) throws IOException {
        KafkaCluster cluster = new KafkaCluster(size);
        try {
            for (Node node : cluster.nodes) {
                node.start();
            }
            for (Node node : cluster.nodes) {
                node.awaitReady();
            }
            cluster.awaitBrokers(size);
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public String bootstrapServers() {
        return nodes.stream().map(node -> "127.0.0.1:" + node.port).collect(Collectors.joining(","));
    }

    public List<Integer> nodeIds() {
        return nodes.stream().map(node -> node.id).toList();
    }

    /** SIGKILL: the node crashes, its leaderships move once the controller notices. */
    public void kill(int nodeId) throws InterruptedException {
        Node node = node(nodeId);
        node.process.destroyForcibly();
        node.process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: a controlled shutdown, leaderships moved first. */
    public void stop(int nodeId) throws InterruptedException {
        Node node = node(nodeId);
        node.process.destroy();
        if (!node.process.waitFor(120, TimeUnit.SECONDS)) {
            throw new AssertionError("node " + nodeId + " did not stop within 120 s");
        }
    }

    /** Starts a stopped or killed node again on its data; it serves when this returns. */
    public void restart(int nodeId) throws IOException {
        Node node = node(nodeId);
        node.start();
        node.awaitReady();
    }

    /** The node that leads most partitions of the topic. */
    public int leaderOfMost(String topic) throws Exception {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return description.partitions().stream().filter(p -> p.leader() != null)
                    .collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()))
                    .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
    }

    /** Waits until every partition of the topics has all its replicas in sync again. */
    public void awaitFullIsr(Collection<String> topics, Duration timeout) {
        await("every replica of " + topics + " back in sync").dontCatchUncaughtExceptions().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (Admin admin = admin()) {
                for (TopicDescription description : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                    for (TopicPartitionInfo partition : description.partitions()) {
                        if (partition.isr().size() < partition.replicas().size()) {
                            return false;
                        }
                    }
                }
                return true;
            }
        });
    }

    public Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers(), "request.timeout.ms", 10_000, "default.api.timeout.ms", 20_000));
    }

    private void awaitBrokers(int count) {
        await("all " + count + " brokers registered").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (Admin admin = admin()) {
                return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == count;
            }
        });
    }

    private Node node(int nodeId) {
        return nodes.stream().filter(node -> node.id == nodeId).findFirst().orElseThrow(() -> new IllegalArgumentException("no node " + nodeId));
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            if (node.process != null) {
                node.process.destroyForcibly();
            }
        }
        for (Node node : nodes) {
            if (node.process != null) {
                try {
                    node.process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
