package dev.agenttelemetry.benchmarks.jmh;

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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The enricher's per-event CPU work, one thread, no Kafka: the masker on a hook payload, and the whole
 * enrichment of one envelope (parse, digest file contents, mask, classify, path context). Payloads are the
 * benchmarks' synthetic hook payloads (see {@link Payloads}): {@code median} rotates over the 100 closest to
 * 2 KB, {@code mix} over 1,000 drawn from the whole size distribution (median 2.1 KB, p99 ~32 KB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.agenttelemetry.avro"})
public class MaskerBenchmark {
    @Param({"median", "mix"})
    public String payloads;

    private final Masker masker = Masker.withDefaultRules();
    private final HookEventEnricher enricher = new HookEventEnricher(masker, 200);
    private List<String> texts;
    private List<HookEnvelope> envelopes;
    private int next;

    @Setup
    public void load() {
        texts = Payloads.forMasker(payloads);
        envelopes = texts.stream().map(json -> HookEnvelope.newBuilder().setEventId("e").setReceivedAt(Instant.EPOCH)
                .setHookEventName(json.contains("PostToolUse") ? "PostToolUse" : "PreToolUse").setSessionId("s").setCwd("/home/dev/shop")
                .setPayload(json).build()).toList();
    }

    @Benchmark
    public Masker.Result mask() {
        next = (next + 1) % texts.size();
        return masker.mask(texts.get(next));
    }

    @Benchmark
    public Object enrich() {
        next = (next + 1) % envelopes.size();
        return enricher.enrich(envelopes.get(next));
    }
}
