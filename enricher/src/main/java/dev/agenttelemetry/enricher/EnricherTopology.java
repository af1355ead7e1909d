package dev.agenttelemetry.enricher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.enricher.chain.SessionChainer;
import dev.agenttelemetry.enricher.pairing.ToolCallPairer;
import dev.agenttelemetry.topics.Topic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;

/**
 * The enricher's topology.
 * <pre>
 *   raw topic (key session_id, value HookEnvelope: unmasked)
 *     -> enrich: mask every string, classify, add context
 *     -> pair: PreToolUse with its PostToolUse(Failure); missing results after a gap (store "pending-tool-calls")
 *     -> chain: per-session sequence number and hash chain (store "session-chain", changelogged)
 *     -> events topic (key session_id, value AgentEvent: masked)
 * </pre>
 * Records are keyed by session id on the raw topic, so a session's events reach one task in order and
 * its chain needs no repartition.
 * <pre>
 * </pre>
 * Built by a pure function so {@code TopologyTestDriver} tests exercise exactly what runs.
 */
public final class EnricherTopology {
    private EnricherTopology() {
    }

    public static Topology build(Topic<String, HookEnvelope> raw, Topic<String, AgentEvent> events, HookEventEnricher enricher,
                                 Duration chainTtl, Duration pairingGap) {
        StreamsBuilder builder = new StreamsBuilder();
        // Cached: a session's chain state is written to RocksDB and its changelog once per commit, not once per
        // event. The pending tool calls are not: every call is a new key, and each entry of Kafka Streams' record
        // cache holds on to the whole raw input record (kept for the processing exception handler, but not counted
        // against the cache's size), so a cache of a few hundred bytes a call kept ~70 MB of raw hooks on the heap
        // at 1,000 hooks/s for ~15 s each: most of what filled the old generation.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SessionChainer.STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ToolCallPairer.STORE), Serdes.String(), events.valueSerde())
                .withCachingDisabled());
        builder.stream(raw.name(), Consumed.with(raw.keySerde(), raw.valueSerde()).withName("raw-hooks"))
                .mapValues(enricher::enrichForPairing, Named.as("enrich"))
                .peek((session, enriched) -> EnricherMeters.enriched(enriched.event().getEventType().name()), Named.as("count"))
                .process(() -> new ToolCallPairer(pairingGap), Named.as("pair"), ToolCallPairer.STORE)
                .processValues(() -> new SessionChainer(chainTtl), Named.as("chain"), SessionChainer.STORE)
                .to(events.name(), Produced.with(events.keySerde(), events.valueSerde()).withName("agent-events"));
        return builder.build();
    }
}
