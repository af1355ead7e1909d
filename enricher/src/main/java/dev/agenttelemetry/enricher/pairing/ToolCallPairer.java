package dev.agenttelemetry.enricher.pairing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.ToolOutcome;
import dev.agenttelemetry.avro.ToolPairing;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Pairs a PreToolUse with its PostToolUse or PostToolUseFailure: by {@code tool_use_id}, or, for old payloads
 * without one, by session, tool and a hash of the tool input. The later event of the pair carries the
 * {@link ToolPairing} (duration, outcome, error), whichever arrived first. A PreToolUse left without a
 * result after the gap yields a {@code ToolResultMissing} event with outcome {@code no_result}; an early
 * post whose pre never comes is forgotten after the gap. Pending halves live in a changelogged store and
 * leave it when paired or timed out, so it does not grow without bound.
 */
public final class ToolCallPairer implements Processor<String, HookEventEnricher.Enriched, String, AgentEvent> {
    public static final String STORE = "pending-tool-calls";
    public static final String MISSING_RESULT_EVENT = "ToolResultMissing";
    private static final Set<String> POSTS = Set.of("PostToolUse", "PostToolUseFailure");

    private final Duration gap;
    private ProcessorContext<String, AgentEvent> context;
    private KeyValueStore<String, AgentEvent> pending;

    public ToolCallPairer(Duration gap) {
        this.gap = gap;
    }

    @Override
    public void init(ProcessorContext<String, AgentEvent> context) {
        this.context = context;
        this.pending = context.getStateStore(STORE);
        Duration every = gap.compareTo(Duration.ofSeconds(30)) < 0 ? gap : Duration.ofSeconds(30);
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, HookEventEnricher.Enriched> record) {
        AgentEvent event = record.value().event();
        boolean pre = "PreToolUse".equals(event.getHookEventName());
        boolean post = POSTS.contains(event.getHookEventName());
        if (!(pre || post) || event.getToolName() == null) {
            context.forward(record.withValue(event));
            return;
        }
        String key = pairingKey(event, record.value().toolInputHash());
        AgentEvent other = pending.get(key);
        boolean otherIsPre = other != null && "PreToolUse".equals(other.getHookEventName());
        if (other != null && (pre != otherIsPre)) {
            pending.delete(key);
            AgentEvent postEvent = post ? event : other;
            event.setPairing(ToolPairing.newBuilder()
                    .setOtherEventId(other.getEventId())
                    .setDurationMs(Math.abs(event.getReceivedAt().toEpochMilli() - other.getReceivedAt().toEpochMilli()))
                    .setOutcome("PostToolUseFailure".equals(postEvent.getHookEventName()) ? ToolOutcome.failure : ToolOutcome.success)
                    .setError(post ? record.value().error() : other.getPairing() == null ? null : other.getPairing().getError())
                    .build());
        } else {
            pending.put(key, pendingCopy(event, record.value().error()));
        }
        context.forward(record.withValue(event));
    }

    /**
     * What is kept of the first half of a pair: a copy (the forwarded event is completed downstream, by the
     * chain) without the payload, content and prompt, which pairing never reads, so the store and its changelog
     * hold a few hundred bytes a call. A failed post keeps its error in a pairing of its own until its pre comes.
     */
    private static AgentEvent pendingCopy(AgentEvent event, String error) {
        AgentEvent.Builder copy = AgentEvent.newBuilder(event).setContent(null).setPrompt(null).setPayload("{}");
        if (error != null) {
            copy.setPairing(ToolPairing.newBuilder().setOtherEventId("").setDurationMs(0).setOutcome(ToolOutcome.failure).setError(error).build());
        }
        return copy.build();
    }

    private void expire(long now) {
        List<String> expired = new ArrayList<>();
        List<AgentEvent> missing = new ArrayList<>();
        try (KeyValueIterator<String, AgentEvent> all = pending.all()) {
            all.forEachRemaining(entry -> {
                if (now - entry.value.getReceivedAt().toEpochMilli() >= gap.toMillis()) {
                    expired.add(entry.key);
                    if ("PreToolUse".equals(entry.value.getHookEventName())) {
                        missing.add(entry.value);
                    }
                }
            });
        }
        expired.forEach(pending::delete);
        for (AgentEvent pre : missing) {
            AgentEvent noResult = AgentEvent.newBuilder(pre)
                    .setEventId(pre.getEventId() + "-no-result") // deterministic: the same pre always yields the same id
                    .setReceivedAt(java.time.Instant.ofEpochMilli(now))
                    .setHookEventName(MISSING_RESULT_EVENT)
                    .setEventType(EventType.tool_failure)
                    .setPayload("{}")
                    .setContent(null)
                    .setMaskedValues(0)
                    .setPairing(ToolPairing.newBuilder().setOtherEventId(pre.getEventId())
                            .setDurationMs(now - pre.getReceivedAt().toEpochMilli()).setOutcome(ToolOutcome.no_result).build())
                    .build();
            context.forward(new Record<>(pre.getSessionId(), noResult, now)); // same session, so same partition as its pre
        }
    }

    static String pairingKey(AgentEvent event, String toolInputHash) {
        if (event.getToolUseId() != null) {
            return event.getSessionId() + "|" + event.getToolUseId();
        }
        return event.getSessionId() + "|" + event.getToolName() + "|" + toolInputHash;
    }

    /** What pairs a tool call without a tool use id: a hash of its (masked) input; none for a payload that is not JSON. */
    public static String inputHash(JsonNode toolInput) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(toolInput.toString().getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The error a failed tool call's (masked) payload reports. */
    public static String errorOf(JsonNode payload) {
        JsonNode error = payload.has("error") ? payload.get("error") : payload.path("tool_response").path("error");
        return error.isMissingNode() || error.isNull() ? null : error.isTextual() ? error.asText() : error.toString();
    }
}
