package dev.agenttelemetry.launcher.status;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** How far a consumer group (a Streams application's id) is behind on one topic. */
public final class ConsumerLag {
    private ConsumerLag() {
    }

    /** Records of {@code topic} past the group's committed offsets, over the partitions it has committed on. */
    public static long of(Admin admin, String group, String topic) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream().filter(tp -> tp.topic().equals(topic) && committed.get(tp) != null)
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).entrySet()) {
            lag += Math.max(0, end.getValue().offset() - committed.get(end.getKey()).offset());
        }
        return lag;
    }
}
