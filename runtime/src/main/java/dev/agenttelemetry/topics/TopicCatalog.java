package dev.agenttelemetry.topics;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.schemas.registry.SchemaRegistry;
import dev.agenttelemetry.schemas.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topics of the pipeline. Every key is the agent's session id (a string), so one session's
 * records stay in order on one partition; every value is Avro in the Confluent wire format.
 */
public record TopicCatalog(Topic<String, HookEnvelope> raw,
                           Topic<String, AgentEvent> events,
                           Topic<String, SecurityAlert> alerts,
                           Topic<String, SessionActivity> sessions,
                           Topic<String, OtlpLogRecord> otlpLogs) {

    public static TopicCatalog of(TopicLayout layout, SchemaRegistry registry) {
        return new TopicCatalog(
                new Topic<>(layout.raw().name(), Serdes.String(), AvroSerdes.specific(HookEnvelope.class, registry)),
                new Topic<>(layout.events().name(), Serdes.String(), AvroSerdes.specific(AgentEvent.class, registry)),
                new Topic<>(layout.alerts().name(), Serdes.String(), AvroSerdes.specific(SecurityAlert.class, registry)),
                new Topic<>(layout.sessions().name(), Serdes.String(), AvroSerdes.specific(SessionActivity.class, registry)),
                new Topic<>(layout.otlpLogs().name(), Serdes.String(), AvroSerdes.specific(OtlpLogRecord.class, registry)));
    }

    /**
     * The catalog, with every value schema registered now, while Kafka and the registry are up. Producers then find
     * the ids in {@code registry}'s cache: a record first produced while Kafka is away (which the embedded registry
     * stores its schemas in) never fails on a registration. The broker crash drill lost an application thread that way.
     */
    public static TopicCatalog registered(TopicLayout layout, SchemaRegistry registry) {
        registry.register(layout.raw().name() + "-value", HookEnvelope.getClassSchema());
        registry.register(layout.events().name() + "-value", AgentEvent.getClassSchema());
        registry.register(layout.alerts().name() + "-value", SecurityAlert.getClassSchema());
        registry.register(layout.sessions().name() + "-value", SessionActivity.getClassSchema());
        registry.register(layout.otlpLogs().name() + "-value", OtlpLogRecord.getClassSchema());
        return of(layout, registry);
    }
}
