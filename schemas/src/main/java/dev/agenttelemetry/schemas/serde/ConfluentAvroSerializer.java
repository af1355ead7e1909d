package dev.agenttelemetry.schemas.serde;

import dev.agenttelemetry.schemas.registry.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format. The schema is registered
 * under the subject {@code <topic>-value} (or {@code -key}), Confluent's TopicNameStrategy.
 */
public final class ConfluentAvroSerializer<T extends GenericContainer> implements Serializer<T> {
    private SchemaRegistry registry;
    private boolean isKey;
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} then needs {@code schema.registry.url}. */
    public ConfluentAvroSerializer() {
    }

    public ConfluentAvroSerializer(SchemaRegistry registry, boolean isKey) {
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            registry = SerdeConfig.registryFrom(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        int id;
        try {
            id = registry.register(topic + (isKey ? "-key" : "-value"), schema);
        } catch (RuntimeException e) {
            throw new SerializationException("could not register the schema of " + schema.getFullName() + " for topic " + topic, e);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(ByteBuffer.allocate(WireFormat.HEADER_SIZE).put(WireFormat.MAGIC_BYTE).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, s -> writerFor(data)).write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerFor(GenericContainer data) {
        if (data instanceof SpecificRecord) {
            // The class's own SpecificData carries its logical-type conversions (Instant for timestamps).
            return (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(data.getSchema(), SpecificData.getForClass(data.getClass()));
        }
        return new GenericDatumWriter<>(data.getSchema());
    }
}
