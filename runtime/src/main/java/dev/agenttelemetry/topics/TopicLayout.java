package dev.agenttelemetry.topics;

import dev.agenttelemetry.config.ConfigReader;

import java.time.Duration;
import java.util.List;

/**
 * Every topic of the pipeline with its settings. Each is configurable by
 * {@code topic.<role>.name|partitions|replication.factor|retention.ms|max.message.bytes}, where role is
 * raw, events, alerts, sessions, otlp-logs or dlq.
 *
 * @param raw       hook envelopes as received, unmasked: short retention
 * @param events    masked and enriched {@code AgentEvent}s
 * @param alerts    {@code SecurityAlert}s
 * @param sessions  {@code SessionActivity} per session and window
 * @param otlpLogs  Claude Code's OTLP log records, as received (unmasked: short retention)
 * @param dlq       records the pipeline could not process, masked, with headers saying why
 */
public record TopicLayout(TopicSpec raw, TopicSpec events, TopicSpec alerts, TopicSpec sessions,
                          TopicSpec otlpLogs, TopicSpec dlq) {

    /** Room for the largest real hook payloads (~800 KB: Write and Edit responses carry whole files). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    public static TopicLayout defaults() {
        return from(new ConfigReader(java.util.Map.of(), "defaults"));
    }

    /** Every topic's replication factor unless its own is set; unset, {@code min(3, brokers)} ({@link Replication}). */
    public static final String REPLICATION_FACTOR = "topic.replication.factor";

    public static TopicLayout from(ConfigReader config) {
        return new TopicLayout(
                spec(config, "raw", "agent.hooks.raw", Duration.ofHours(24)),
                spec(config, "events", "agent.events", Duration.ofDays(30)),
                spec(config, "alerts", "agent.alerts", Duration.ofDays(90)),
                spec(config, "sessions", "agent.sessions", Duration.ofDays(30)),
                spec(config, "otlp-logs", "agent.otlp.logs", Duration.ofHours(24)),
                spec(config, "dlq", "agent.dlq", Duration.ofDays(30)));
    }

    public List<TopicSpec> all() {
        return List.of(raw, events, alerts, sessions, otlpLogs, dlq);
    }

    /** {@value #REPLICATION_FACTOR}, or {@link Replication#FOLLOW_CLUSTER} when unset. */
    public static short replicationFactor(ConfigReader config) {
        return (short) config.integer(REPLICATION_FACTOR, Replication.FOLLOW_CLUSTER, 1, Short.MAX_VALUE);
    }

    private static TopicSpec spec(ConfigReader config, String role, String defaultName, Duration defaultRetention) {
        String prefix = "topic." + role + ".";
        return new TopicSpec(
                config.string(prefix + "name", defaultName),
                config.integer(prefix + "partitions", 6, 1, 10_000),
                (short) config.integer(prefix + "replication.factor", replicationFactor(config), 1, Short.MAX_VALUE),
                config.millis(prefix + "retention.ms", defaultRetention, Duration.ofMinutes(1)),
                config.integer(prefix + "max.message.bytes", DEFAULT_MAX_MESSAGE_BYTES, 1024, Integer.MAX_VALUE));
    }
}
