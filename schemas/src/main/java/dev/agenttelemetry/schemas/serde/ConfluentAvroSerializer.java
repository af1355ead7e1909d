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

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format. The schema is registered
 * under the subject {@code <topic>-value} (or {@code -key}), Confluent's TopicNameStrategy.
 */
public final class ConfluentAvroSerializer<T extends GenericContainer> implements Serializer<T> {
    private static final ThreadLocal<Output> OUTPUT = ThreadLocal.withInitial(Output::new);

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
        Output out = OUTPUT.get();
        try {
            out.startRecord(id);
            writers.computeIfAbsent(schema, s -> writerFor(data)).write(data, out.encoder);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * A record's bytes, in a buffer each thread reuses: events carry payloads of kilobytes, and a fresh
     * {@code ByteArrayOutputStream} grew (and copied) its array several times per record, synchronized on every write.
     */
    private static final class Output extends OutputStream {
        private static final int INITIAL = 8 * 1024;
        private static final int KEPT = 1024 * 1024; // a larger buffer goes with its record: the thread does not hold it

        private byte[] bytes = new byte[INITIAL];
        private int size;
        private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(this, null); // unbuffered: writes straight into bytes

        void startRecord(int schemaId) {
            size = 0;
            write(WireFormat.MAGIC_BYTE);
            write(schemaId >>> 24);
            write(schemaId >>> 16);
            write(schemaId >>> 8);
            write(schemaId);
        }

        @Override
        public void write(int b) {
            room(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            room(length);
            System.arraycopy(source, offset, bytes, size, length);
            size += length;
        }

        private void room(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            byte[] record = Arrays.copyOf(bytes, size);
            if (bytes.length > KEPT) {
                bytes = new byte[INITIAL];
            }
            return record;
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
