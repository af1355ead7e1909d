package dev.agenttelemetry.schemas.serde;

import dev.agenttelemetry.schemas.registry.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Confluent wire-format Avro. With a generated class it resolves the writer's schema (fetched
 * by id from the registry) against that class's schema, so records written with an older or newer
 * compatible schema still read; without one it returns {@link org.apache.avro.generic.GenericRecord}s
 * in the writer's schema.
 */
public final class ConfluentAvroDeserializer<T> implements Deserializer<T> {
    private SchemaRegistry registry;
    private final Class<T> specificClass;
    private final Schema readerSchema;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** Generic records, for Kafka's reflective construction; {@link #configure} then needs {@code schema.registry.url}. */
    public ConfluentAvroDeserializer() {
        this(null, null);
    }

    /**
     * @param specificClass a generated record class, or null for generic records
     */
    public ConfluentAvroDeserializer(SchemaRegistry registry, Class<T> specificClass) {
        this(registry, specificClass, null);
    }

    private ConfluentAvroDeserializer(SchemaRegistry registry, Class<T> specificClass, Schema readerSchema) {
        this.registry = registry;
        this.specificClass = specificClass;
        this.readerSchema = readerSchema;
    }

    /**
     * This deserializer, but leaving the generated class's last field out: Avro skips its bytes instead of decoding
     * them, and the field stays null. For a reader that never looks at a large trailing field. Only the last field
     * can go, because generated records set their fields by position.
     */
    public ConfluentAvroDeserializer<T> withoutLastField(String name) {
        if (specificClass == null) {
            throw new IllegalStateException("only a deserializer of a generated class can leave a field out");
        }
        Schema full = SpecificData.getForClass(specificClass).getSchema(specificClass);
        List<Schema.Field> fields = full.getFields();
        if (!fields.get(fields.size() - 1).name().equals(name)) {
            throw new IllegalArgumentException(name + " is not the last field of " + full.getFullName() + ", so it cannot be left out");
        }
        Schema reader = Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false,
                fields.subList(0, fields.size() - 1).stream().map(field -> new Schema.Field(field, field.schema())).toList());
        return new ConfluentAvroDeserializer<>(registry, specificClass, reader);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.registryFrom(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        try {
            DatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not decode a record of topic " + topic + " with schema id " + id + ": " + e.getMessage(), e);
        }
    }

    private DatumReader<T> readerFor(int schemaId) {
        Schema writer = registry.schemaById(schemaId);
        if (specificClass == null) {
            return new GenericDatumReader<>(writer);
        }
        SpecificData model = SpecificData.getForClass(specificClass);
        return new SpecificDatumReader<>(writer, readerSchema != null ? readerSchema : model.getSchema(specificClass), model);
    }
}
