package dev.agenttelemetry.sink.loki;

import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.serde.ConfluentAvroDeserializer;
import dev.agenttelemetry.sink.loki.config.LokiSinkConfig;
import dev.agenttelemetry.sink.loki.push.LokiClient;
import dev.agenttelemetry.sink.loki.push.LokiEntry;
import dev.agenttelemetry.sink.loki.push.LokiPushException;
import dev.agenttelemetry.sink.loki.push.RecordToEntry;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Pushes each batch Connect hands over to Loki before returning, so the offsets Connect then commits are
 * only of records Loki acknowledged. Values arrive as bytes (ByteArrayConverter) in the Confluent wire format.
 */
public final class LokiSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(LokiSinkTask.class);

    private LokiClient loki;
    private ConfluentAvroDeserializer<GenericRecord> deserializer;
    private ErrantRecordReporter errantRecords;
    private int batchMaxRecords;

    @Override
    public String version() {
        return LokiSinkConnector.buildVersion();
    }

    @Override
    public void start(Map<String, String> props) {
        LokiSinkConfig config = new LokiSinkConfig(props);
        loki = new LokiClient(config.pushUri(), config.tenant(), config.requestTimeout());
        deserializer = new ConfluentAvroDeserializer<>(new SchemaRegistryClient(config.schemaRegistryUrl()), null);
        batchMaxRecords = config.batchMaxRecords();
        errantRecords = context.errantRecordReporter();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<LokiEntry> entries = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            try {
                entries.add(toEntry(record));
            } catch (DataException e) {
                if (errantRecords == null) {
                    throw e; // no dead-letter queue configured: stop rather than drop the record
                }
                errantRecords.report(record, e);
            }
        }
        for (int from = 0; from < entries.size(); from += batchMaxRecords) {
            List<LokiEntry> batch = entries.subList(from, Math.min(entries.size(), from + batchMaxRecords));
            try {
                loki.push(batch);
            } catch (LokiPushException e) {
                if (e.retriable()) {
                    log.warn("Loki push of {} entries failed, Connect will redeliver: {}", batch.size(), e.getMessage());
                    throw new RetriableException(e.getMessage(), e);
                }
                throw new ConnectException("Loki refused a push (check " + LokiSinkConfig.LOKI_URL_CONFIG + " and "
                        + LokiSinkConfig.LOKI_TENANT_CONFIG + "): " + e.getMessage(), e);
            }
        }
    }

    private LokiEntry toEntry(SinkRecord record) {
        if (!(record.value() instanceof byte[] bytes)) {
            throw new DataException("record " + where(record) + " has no byte[] value: set value.converter to "
                    + "org.apache.kafka.connect.converters.ByteArrayConverter");
        }
        if (record.timestamp() == null) {
            throw new DataException("record " + where(record) + " has no timestamp");
        }
        try {
            return RecordToEntry.map(record.topic(), record.timestamp(), deserializer.deserialize(record.topic(), bytes));
        } catch (SerializationException e) {
            throw new DataException("record " + where(record) + " is not readable Avro: " + e.getMessage(), e);
        }
    }

    private static String where(SinkRecord record) {
        return record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }

    @Override
    public void stop() {
        // the HTTP client holds no resources that need closing
    }
}
