package dev.agenttelemetry.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Creates the pipeline's topics when they are missing, then waits until every partition has a leader:
 * a producer that starts within milliseconds of creation was seen stuck retrying otherwise.
 * Existing topics are left as they are (their settings belong to the operator).
 */
public final class TopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    public static void ensure(Admin admin, Collection<TopicSpec> specs, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), spec.partitions(), Replication.factor(admin, spec.replicationFactor())).configs(Map.of(
                            TopicConfig.RETENTION_MS_CONFIG, Long.toString(spec.retention().toMillis()),
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(spec.maxMessageBytes()))));
                }
            }
            if (!missing.isEmpty()) {
                createIgnoringRaces(admin, missing);
                log.info("Created topics {}", missing.stream().map(topic -> topic.name() + " (" + topic.numPartitions() + " partitions, "
                        + topic.replicationFactor() + " replicas)").toList());
            }
            awaitLeaders(admin, specs.stream().map(TopicSpec::name).collect(Collectors.toSet()), deadline);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the pipeline's topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static void createIgnoringRaces(Admin admin, List<NewTopic> missing) throws InterruptedException, ExecutionException {
        for (var result : admin.createTopics(missing).values().values()) {
            try {
                result.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** Waits until every partition of the topics has a leader; after the deadline, says which lack one and why. */
    public static void awaitLeaders(Admin admin, Set<String> names, Instant deadline) throws InterruptedException {
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
                List<String> leaderless = new ArrayList<>();
                described.values().forEach(d -> d.partitions().stream().filter(p -> p.leader() == null || p.leader().isEmpty())
                        .forEach(p -> leaderless.add(Replication.noLeader(d.name(), p))));
                if (leaderless.isEmpty()) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(String.join("; ", leaderless));
                }
            } catch (ExecutionException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not describe the topics " + names + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            Thread.sleep(50); // polling the broker's metadata; there is no push notification for leadership
        }
    }
}
