package dev.agenttelemetry.enricher.chain;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.state.ChainState;
import dev.agenttelemetry.schemas.serde.StateEncoding;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives each event its session's next sequence number and links it to the previous event's hash. The
 * per-session state (last sequence, last hash, last seen) lives in a changelogged store, so a restart
 * continues the chain; sessions idle longer than the TTL are dropped, so the store does not grow without
 * bound (a session that comes back after that starts a new chain at 1, which a verifier reports as such).
 */
public final class SessionChainer implements FixedKeyProcessor<String, AgentEvent, AgentEvent> {
    public static final String STORE = "session-chain";
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

    private final Duration ttl;
    private FixedKeyProcessorContext<String, AgentEvent> context;
    private KeyValueStore<String, byte[]> chains;

    public SessionChainer(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, AgentEvent> context) {
        this.context = context;
        this.chains = context.getStateStore(STORE);
        context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, this::dropIdleSessions);
    }

    @Override
    public void process(FixedKeyRecord<String, AgentEvent> record) {
        AgentEvent event = record.value();
        String session = event.getSessionId();
        byte[] stored = chains.get(session);
        long sequence = 1;
        String previousHash = null;
        if (stored != null) {
            ChainState last = read(stored);
            sequence = last.getSequence() + 1;
            previousHash = last.getHash();
        }
        String hash = ChainHash.of(event, sequence, previousHash);
        event.setSequence(sequence);
        event.setPreviousHash(previousHash);
        event.setHash(hash);
        chains.put(session, write(new ChainState(sequence, hash, context.currentSystemTimeMs())));
        context.forward(record.withValue(event));
    }

    private void dropIdleSessions(long now) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = chains.all()) {
            all.forEachRemaining(entry -> {
                if (now - read(entry.value).getLastSeenMillis() > ttl.toMillis()) {
                    idle.add(entry.key);
                }
            });
        }
        idle.forEach(chains::delete);
    }

    /** A stored link: Avro ({@link StateEncoding}), or the text {@code "<sequence> <hash> <last seen millis>"} stores held before. */
    static ChainState read(byte[] stored) {
        if (!StateEncoding.isAvro(stored)) {
            String[] parts = new String(stored, StandardCharsets.UTF_8).split(" ");
            return new ChainState(Long.parseLong(parts[0]), parts[1], Long.parseLong(parts[2]));
        }
        try {
            return ChainState.fromByteBuffer(ByteBuffer.wrap(stored));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable session-chain state", e);
        }
    }

    static byte[] write(ChainState state) {
        try {
            return StateEncoding.bytes(state.toByteBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
