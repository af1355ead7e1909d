package dev.agenttelemetry.sink.loki;

import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.serde.ConfluentAvroDeserializer;
import dev.agenttelemetry.sink.loki.config.LokiSinkConfig;
import dev.agenttelemetry.sink.loki.push.LokiClient;
import dev.agenttelemetry.sink.loki.push.LokiEntry;
import dev.agenttelemetry.sink.loki.push.LokiPushException;
import dev.agenttelemetry.sink.loki.push.LokiWriter;
import dev.agenttelemetry.sink.loki.push.PushMeters;
import dev.agenttelemetry.sink.loki.push.RecordToEntry;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes each batch Connect hands over (what one poll returned: batch it further with the consumer's
 * fetch.min.bytes and fetch.max.wait.ms overrides) through a {@link LokiWriter} before returning. Offsets
 * reach Connect's commit ({@link #preCommit}) only once Loki acknowledged their entries or the dead-letter
 * queue took them. Values arrive as bytes (ByteArrayConverter) in the Confluent wire format. Logs name
 * records by topic, partition and offset, never by content.
 */
public final class LokiSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(LokiSinkTask.class);
    private static final Duration MAX_FUTURE = Duration.ofMinutes(10);

    private LokiWriter writer;
    private RecordToEntry mapper;
    private ConfluentAvroDeserializer<GenericRecord> deserializer;
    private ErrantRecordReporter errantRecords;
    private Duration maxEntryAge;
    /** How long Connect waits before delivering a failed batch again (without it, until its next commit: a minute). */
    private long redeliveryBackoffMs;

    /** Per partition: the next offset to commit, every record before it pushed or dead-lettered. */
    private final Map<TopicPartition, Long> settled = new HashMap<>();

    /** A record of a put: to push (entry set) or already settled by the dead-letter queue (entry null). */
    private record Pending(SinkRecord record, LokiEntry entry) {
    }

    @Override
    public String version() {
        return LokiSinkConnector.buildVersion();
    }

    @Override
    public void start(Map<String, String> props) {
        LokiSinkConfig config = new LokiSinkConfig(props);
        LokiClient client = new LokiClient(config.pushUri(), config.tenant(), config.authorization(), config.requestTimeout(),
                config.encoding(), config.sslContext());
        writer = new LokiWriter(client, config.batchMaxRecords(), config.batchMaxBytes(), config.retryPolicy(), config.concurrency());
        mapper = new RecordToEntry(config.fieldLabels(), config.metadataFields());
        deserializer = new ConfluentAvroDeserializer<>(new SchemaRegistryClient(config.schemaRegistryUrl()), null);
        errantRecords = context.errantRecordReporter();
        maxEntryAge = config.maxEntryAge();
        redeliveryBackoffMs = Math.min(1_000, config.retryPolicy().maxBackoff().toMillis());
        if (config.metricsPort().isPresent()) {
            try {
                PushMeters.serve(config.metricsPort().getAsInt());
            } catch (java.io.IOException e) {
                throw new ConnectException("cannot serve metrics on port " + config.metricsPort().getAsInt() + " (metrics.port): " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<Pending> batch = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            LokiEntry entry;
            try {
                entry = toEntry(record);
            } catch (DataException e) {
                deadLetter(record, e, "unconvertible");
                entry = null;
            }
            batch.add(new Pending(record, entry));
        }
        // Connect calls put again only after its next poll, which may wait until the next commit (a minute by
        // default) when no records come: push now rather than let records linger that long.
        if (!batch.isEmpty()) {
            push(batch);
        }
    }

    /** Pushes the put's records; on a retriable failure rewinds to the first unsettled ones so Connect delivers them again. */
    private void push(List<Pending> batch) {
        List<LokiEntry> entries = new ArrayList<>(batch.size());
        Map<LokiEntry, SinkRecord> recordOf = new IdentityHashMap<>();
        for (Pending pending : batch) {
            if (pending.entry() != null) {
                entries.add(pending.entry());
                recordOf.put(pending.entry(), pending.record());
            }
        }
        List<LokiWriter.Rejected> rejected;
        try {
            rejected = writer.write(entries);
        } catch (LokiPushException e) {
            if (e.retriable()) {
                log.warn("Pushing {} entries to Loki failed, Connect will deliver them again: {}", entries.size(), e.getMessage());
                rewindTo(batch);
                context.timeout(redeliveryBackoffMs);
                throw new RetriableException(e.getMessage(), e);
            }
            throw new ConnectException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rewindTo(batch);
            throw new RetriableException("interrupted while pushing to Loki", e);
        }
        for (LokiWriter.Rejected refused : rejected) {
            SinkRecord record = recordOf.get(refused.entry());
            deadLetter(record, new DataException("Loki refused the entry of " + where(record) + ": " + refused.reason()), "refused");
        }
        for (Pending pending : batch) {
            TopicPartition partition = new TopicPartition(pending.record().topic(), pending.record().kafkaPartition());
            settled.merge(partition, pending.record().kafkaOffset() + 1, Math::max);
        }
    }

    private void rewindTo(List<Pending> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Pending pending : batch) {
            first.merge(new TopicPartition(pending.record().topic(), pending.record().kafkaPartition()), pending.record().kafkaOffset(), Math::min);
        }
        context.offset(first);
    }

    /** Only offsets whose records Loki acknowledged (or the dead-letter queue took) are committed. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        settled.forEach((partition, offset) -> {
            if (currentOffsets.containsKey(partition)) {
                commit.put(partition, new OffsetAndMetadata(offset));
            }
        });
        return commit;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(settled::remove); // their next owner commits them
    }

    /** Values come as Confluent wire-format bytes (ByteArrayConverter: our deserializer) or as a Struct from a converter. */
    private LokiEntry toEntry(SinkRecord record) {
        if (!(record.value() instanceof byte[]) && !(record.value() instanceof Struct)) {
            throw new DataException("record " + where(record) + " has neither bytes nor a Struct as value: set value.converter to "
                    + "org.apache.kafka.connect.converters.ByteArrayConverter (or a converter that yields Structs, such as AvroConverter)");
        }
        if (record.timestamp() == null) {
            throw new DataException("record " + where(record) + " has no timestamp");
        }
        long now = System.currentTimeMillis();
        if (record.timestamp() < now - maxEntryAge.toMillis()) {
            throw new DataException("record " + where(record) + " is older than Loki accepts (" + LokiSinkConfig.MAX_ENTRY_AGE_MS_CONFIG + ")");
        }
        if (record.timestamp() > now + MAX_FUTURE.toMillis()) {
            throw new DataException("record " + where(record) + " is more than 10 minutes in the future: Loki refuses it");
        }
        if (record.value() instanceof Struct struct) {
            return mapper.map(record.timestamp(), struct);
        }
        try {
            return mapper.map(record.timestamp(), deserializer.deserialize(record.topic(), (byte[]) record.value()));
        } catch (SerializationException e) {
            throw new DataException("record " + where(record) + " is not readable Avro: " + e.getMessage(), e);
        }
    }

    private void deadLetter(SinkRecord record, DataException reason, String why) {
        if (errantRecords == null) {
            throw new ConnectException(reason.getMessage() + "; no dead-letter queue is configured (errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name), so the task stops rather than drop the record", reason);
        }
        log.warn("Dead-lettering {}: {}", where(record), reason.getMessage());
        PushMeters.deadLettered(why);
        errantRecords.report(record, reason);
    }

    private static String where(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.close();
        }
    }
}
