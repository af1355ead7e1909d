package dev.agenttelemetry.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How many copies the pipeline keeps of what it writes. Unless configured, every topic it creates (its own, the
 * registry's, Streams' internal ones, Connect's dead letters) gets {@code min(3, brokers)} replicas: one on a single
 * broker, three on a cluster, so that a broker going away loses nothing and stops nothing.
 */
public final class Replication {
    /** A topic spec's replication factor when none is configured: decided by {@link #factor}. */
    public static final short FOLLOW_CLUSTER = -1;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Replication() {
    }

    /** {@code configured}, or {@code min(3, brokers)} for {@link #FOLLOW_CLUSTER}. */
    public static short factor(Admin admin, short configured) throws InterruptedException {
        if (configured != FOLLOW_CLUSTER) {
            return configured;
        }
        try {
            return (short) Math.min(3, admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not count the Kafka cluster's brokers to choose a replication factor: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + "; check bootstrap.servers, or set topic.replication.factor", e);
        }
    }

    /**
     * Kafka Streams properties whose internal topics (changelogs, repartitions) get {@code min(3, brokers)} replicas,
     * unless {@code replication.factor} is set (e.g. {@code enricher.streams.replication.factor}).
     */
    public static Map<String, Object> forStreams(Map<String, Object> streamsProperties) throws InterruptedException {
        if (streamsProperties.containsKey("replication.factor")) {
            return streamsProperties;
        }
        Map<String, Object> client = new java.util.HashMap<>();
        streamsProperties.forEach((key, value) -> {
            if (key.equals("bootstrap.servers") || key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                client.put(key, value);
            }
        });
        try (Admin admin = Admin.create(client)) {
            Map<String, Object> properties = new java.util.HashMap<>(streamsProperties);
            properties.put("replication.factor", (int) factor(admin, FOLLOW_CLUSTER));
            return properties;
        }
    }

    /** Partitions that miss replicas or a leader, per topic, as an operator reads them. */
    public record Health(String topic, int partitions, List<Integer> underReplicated, List<Integer> offline) {
        public boolean healthy() {
            return underReplicated.isEmpty() && offline.isEmpty();
        }
    }

    /** The health of each of the topics that exists. */
    public static List<Health> health(Admin admin, Collection<String> topics) throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<Health> health = new ArrayList<>();
        for (String topic : topics) {
            TopicDescription description = described.get(topic);
            List<Integer> under = new ArrayList<>();
            List<Integer> offline = new ArrayList<>();
            for (TopicPartitionInfo partition : description.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    offline.add(partition.partition());
                } else if (partition.isr().size() < partition.replicas().size()) {
                    under.add(partition.partition());
                }
            }
            health.add(new Health(topic, description.partitions().size(), under, offline));
        }
        return health;
    }

    /** What to tell an operator about a partition without a leader: which replicas it waits for. */
    public static String noLeader(String topic, TopicPartitionInfo partition) {
        return "topic " + topic + " partition " + partition.partition() + " has no leader: its replicas are on broker(s) "
                + partition.replicas().stream().map(node -> Integer.toString(node.id())).toList()
                + ", none of them in sync and up; start them again, or check that the brokers reach each other";
    }
}
