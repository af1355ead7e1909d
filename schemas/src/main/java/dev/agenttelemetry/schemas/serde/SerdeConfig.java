package dev.agenttelemetry.schemas.serde;

import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import org.apache.kafka.common.config.ConfigException;

import java.util.Map;
import java.util.Optional;

/** The configuration keys our serde understands when Kafka or Connect constructs it reflectively (Confluent's names). */
public final class SerdeConfig {
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    private SerdeConfig() {
    }

    static SchemaRegistryClient registryFrom(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "the Avro serde needs the schema registry URL, e.g. http://127.0.0.1:8081");
        }
        Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
        return new SchemaRegistryClient(url.toString(), Optional.ofNullable(userInfo).map(Object::toString).filter(s -> !s.isBlank()));
    }
}
