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

    /** Values of any schema, read as generic records in the writer's schema. */
    public static Serde<GenericRecord> generic(SchemaRegistry registry) {
        return Serdes.serdeFrom(new ConfluentAvroSerializer<>(registry, false), new ConfluentAvroDeserializer<>(registry, null));
    }
}
