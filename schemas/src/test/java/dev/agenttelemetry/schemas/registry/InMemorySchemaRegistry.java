package dev.agenttelemetry.schemas.registry;

import org.apache.avro.Schema;

import java.util.HashMap;
import java.util.Map;

/**
 * A registry in memory for tests that run without a broker (TopologyTestDriver): same schema, same id,
 * as the embedded and Confluent registries do. Compatibility is not checked here.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final Map<Schema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return ids.computeIfAbsent(schema, s -> {
            int id = ids.size() + 1;
            schemas.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, 40403, "Schema " + id + " not found.");
        }
        return schema;
    }
}
