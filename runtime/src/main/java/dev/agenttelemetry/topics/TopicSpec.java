package dev.agenttelemetry.topics;

import java.time.Duration;

/** How one topic is created: its name, partitions, replication and retention. */
public record TopicSpec(String name, int partitions, short replicationFactor, Duration retention, int maxMessageBytes) {
}
