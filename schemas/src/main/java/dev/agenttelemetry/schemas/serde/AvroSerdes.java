package dev.agenttelemetry.schemas.serde;

import dev.agenttelemetry.schemas.registry.SchemaRegistry;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Kafka {@link Serde}s for Avro values in the Confluent wire format. */
public final class AvroSerdes {
    private AvroSerdes() {
    }

    /** Values of one generated record class. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistry registry) {
        return Serdes.serdeFrom(new ConfluentAvroSerializer<>(registry, false), new ConfluentAvroDeserializer<>(registry, type));
    }

    /**
     * The same values, read without the generated class's last field (see {@link ConfluentAvroDeserializer#withoutLastField}),
     * written as before.
     */
    public static <T extends SpecificRecord> Serde<T> withoutLastField(Serde<T> serde, String name) {
        if (!(serde.deserializer() instanceof ConfluentAvroDeserializer<T> avro)) {
            throw new IllegalArgumentException("not an Avro serde of this project: " + serde.deserializer().getClass().getName());
        }
        return Serdes.serdeFrom(serde.serializer(), avro.withoutLastField(name));
    }

    /** Values of any schema, read as generic records in the writer's schema. */
    public static Serde<GenericRecord> generic(SchemaRegistry registry) {
        return Serdes.serdeFrom(new ConfluentAvroSerializer<>(registry, false), new ConfluentAvroDeserializer<>(registry, null));
    }
}
