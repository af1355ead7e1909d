package dev.agenttelemetry.runtime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How far a consumer group (a Streams application's id) is behind on the topics it reads. */
public final class ConsumerLag {
    private ConsumerLag() {
    }

    /**
     * Partition by partition, for every partition of the topics read.
     *
     * @param committed the group's committed offsets (partitions it has committed on only)
     * @param from      where the group goes on from: its committed offset, else the partition's first offset
     * @param ends      the partitions' end offsets
     */
    public record Positions(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> from, Map<TopicPartition, Long> ends) {
    }

    /** Records of {@code topic} past the group's committed offsets, over the partitions it has committed on. */
    public static long of(Admin admin, String group, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        Positions positions = read(admin, group, Set.of(topic), IsolationLevel.READ_UNCOMMITTED, 5);
        return positions.committed().entrySet().stream()
                .mapToLong(committed -> Math.max(0, positions.ends().get(committed.getKey()) - committed.getValue())).sum();
    }

    /** The group's positions on {@code topics}, with end offsets as a consumer with {@code isolation} sees them. */
    public static Positions read(Admin admin, String group, Set<String> topics, IsolationLevel isolation, long timeoutSeconds)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> groupOffsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(timeoutSeconds, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, Long> committed = new HashMap<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(timeoutSeconds, TimeUnit.SECONDS).values()) {
            topic.partitions().forEach(p -> {
                TopicPartition partition = new TopicPartition(topic.name(), p.partition());
                latest.put(partition, OffsetSpec.latest());
                OffsetAndMetadata offset = groupOffsets.get(partition);
                if (offset == null) {
                    earliest.put(partition, OffsetSpec.earliest());
                } else {
                    committed.put(partition, offset.offset());
                }
            });
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get(timeoutSeconds, TimeUnit.SECONDS)
                .forEach((partition, end) -> ends.put(partition, end.offset()));
        Map<TopicPartition, Long> from = new HashMap<>(committed);
        if (!earliest.isEmpty()) {
            admin.listOffsets(earliest).all().get(timeoutSeconds, TimeUnit.SECONDS).forEach((partition, start) -> from.put(partition, start.offset()));
        }
        return new Positions(committed, from, ends);
    }
}
