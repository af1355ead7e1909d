package dev.agenttelemetry.runtime;

import dev.agenttelemetry.runtime.ConsumerLag;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads how far a Kafka Streams application is behind on its input: its group's committed offsets against the
 * end offsets ({@code read_committed}) of the topology's source topics.
 */
final class InputLagProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InputLagProbe.class);
    private static final long TIMEOUT_SECONDS = 10;

    private final Admin admin;
    private final String groupId;
    private final Set<String> topics;

    InputLagProbe(String name, Properties streamsProperties, Topology topology) {
        StreamsConfig config = new StreamsConfig(streamsProperties);
        Map<String, Object> adminConfig = config.getAdminConfigs(name + "-stall-watchdog");
        // A background look every 30 s: calls end with the look, and retries are slow. With the defaults, calls left
        // pending (60 s each) during a Kafka outage retried every 100 ms and filled the log with reconnect warnings.
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS) / 2);
        adminConfig.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 1_000);
        adminConfig.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 5_000);
        adminConfig.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 1_000);
        adminConfig.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        this.admin = Admin.create(adminConfig);
        this.groupId = config.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        this.topics = sourceTopics(topology);
    }

    /**
     * The committed offsets of the source partitions, the records waiting beyond them and the sum of the partitions'
     * end offsets. A partition's waiting records count from its second: when the input is written in transactions,
     * its end offset lies one past a commit marker that the application need not commit past.
     *
     * @return empty when Kafka did not answer in time
     */
    Optional<StallDetector.InputLag> read() {
        try {
            ConsumerLag.Positions positions = ConsumerLag.read(admin, groupId, topics, IsolationLevel.READ_COMMITTED, TIMEOUT_SECONDS);
            long waiting = 0;
            long endSum = 0;
            for (Map.Entry<TopicPartition, Long> end : positions.ends().entrySet()) {
                waiting += Math.max(0, end.getValue() - positions.from().get(end.getKey()) - 1);
                endSum += end.getValue();
            }
            return Optional.of(new StallDetector.InputLag(positions.committed(), waiting, endSum));
        } catch (ExecutionException | TimeoutException e) {
            if (e.getCause() instanceof AuthorizationException) {
                log.warn("cannot watch {} for stalls: {} (it needs DESCRIBE on its group and source topics)", groupId, e.getCause().getMessage());
            } else {
                log.debug("could not read the input lag of {}: {}", groupId, e.toString()); // Kafka away: no stall counted
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Set<String> sourceTopics(Topology topology) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    topics.addAll(source.topicSet());
                }
            }
        }
        return topics;
    }

    @Override
    public void close() {
        admin.close();
    }
}
