package dev.agenttelemetry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One counter per combination of tag values (masks by kind, alerts by rule and severity): each combination's meter is
 * registered once and then found without the registry's lookup. Keep the tag values a bounded set.
 */
public final class CounterFamily {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final String[] tagKeys;
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public CounterFamily(MeterRegistry registry, String name, String description, String... tagKeys) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.tagKeys = tagKeys.clone();
    }

    /** A family in Micrometer's global registry, which the process's /metrics renders. */
    public static CounterFamily global(String name, String description, String... tagKeys) {
        return new CounterFamily(Metrics.globalRegistry, name, description, tagKeys);
    }

    /** @param tagValues one value per tag key, in their order */
    public void increment(String... tagValues) {
        increment(1, tagValues);
    }

    public void increment(double amount, String... tagValues) {
        if (tagValues.length != tagKeys.length) {
            throw new IllegalArgumentException(name + " takes " + tagKeys.length + " tag values, not " + tagValues.length);
        }
        counters.computeIfAbsent(List.of(tagValues), values -> {
            Counter.Builder counter = Counter.builder(name).description(description);
            for (int i = 0; i < tagKeys.length; i++) {
                counter.tag(tagKeys[i], values.get(i));
            }
            return counter.register(registry);
        }).increment(amount);
    }
}
