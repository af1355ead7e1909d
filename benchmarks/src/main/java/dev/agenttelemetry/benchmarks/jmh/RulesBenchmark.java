package dev.agenttelemetry.benchmarks.jmh;

import dev.agenttelemetry.analytics.rules.EventView;
import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.Violation;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.enricher.masking.Masker;
import dev.agenttelemetry.benchmarks.Payloads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The analytics app's per-event rule work, one thread, no Kafka: the default rules evaluated on one enriched
 * event (its command parsed, its paths matched). Events are the benchmarks' synthetic hook payloads (see
 * {@link Payloads}: shell commands, file reads and edits, their results, prompts), enriched once in setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.agenttelemetry.avro"})
public class RulesBenchmark {
    private final RuleBook rules = RuleBook.defaults();
    private List<AgentEvent> events;
    private int next;

    @Setup
    public void load() {
        HookEventEnricher enricher = new HookEventEnricher(Masker.withDefaultRules(), 200);
        events = Payloads.generate(1_000, 20, 7).stream().map(p -> new String(p, StandardCharsets.UTF_8))
                .map(json -> enricher.enrich(HookEnvelope.newBuilder().setEventId("e").setReceivedAt(Instant.EPOCH)
                        .setHookEventName(json.contains("PostToolUse") ? "PostToolUse" : "PreToolUse").setSessionId("s")
                        .setCwd("/home/dev/shop").setPayload(json).build()))
                .toList();
    }

    @Benchmark
    public List<Violation> evaluate() {
        next = (next + 1) % events.size();
        return rules.evaluate(new EventView(events.get(next)));
    }
}
