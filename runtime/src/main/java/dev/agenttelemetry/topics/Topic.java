package dev.agenttelemetry.topics;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its key and value: the one place a producer or consumer learns how to read it. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
