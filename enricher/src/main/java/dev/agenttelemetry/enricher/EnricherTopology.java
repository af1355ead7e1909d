package dev.agenttelemetry.enricher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.schemas.topics.Topic;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The enricher's topology.
 * <pre>
 *   raw topic (key session_id, value HookEnvelope: unmasked)
 *     -> enrich: mask every string, classify, add context
 *     -> events topic (key session_id, value AgentEvent: masked)
 * </pre>
 * Built by a pure function so {@code TopologyTestDriver} tests exercise exactly what runs.
 */
public final class EnricherTopology {
    private EnricherTopology() {
    }

    public static Topology build(Topic<String, HookEnvelope> raw, Topic<String, AgentEvent> events, HookEventEnricher enricher) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(raw.name(), Consumed.with(raw.keySerde(), raw.valueSerde()).withName("raw-hooks"))
                .mapValues(enricher::enrich, Named.as("enrich"))
                .to(events.name(), Produced.with(events.keySerde(), events.valueSerde()).withName("agent-events"));
        return builder.build();
    }
}
