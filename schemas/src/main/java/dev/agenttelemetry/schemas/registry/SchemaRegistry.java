package dev.agenttelemetry.schemas.registry;

import org.apache.avro.Schema;

/** What the serde needs of a schema registry: ids for schemas it writes, schemas for ids it reads. */
public interface SchemaRegistry {
    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with global id {@code id}. */
    Schema schemaById(int id);
}
