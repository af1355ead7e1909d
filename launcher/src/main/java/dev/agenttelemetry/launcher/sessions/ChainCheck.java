package dev.agenttelemetry.launcher.sessions;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.enricher.chain.ChainHash;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Checks a session's hash chain: sequence numbers 1, 2, 3, ... without gaps or repeats, each event's hash
 * recomputed from its content, and each event's previous_hash equal to the hash before it. Reports every
 * problem with its position.
 */
public final class ChainCheck {
    private ChainCheck() {
    }

    /** One break in the chain at a position (sequence number). */
    public record Problem(long position, String what) {
    }

    public static List<Problem> check(List<AgentEvent> events) {
        List<AgentEvent> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(AgentEvent::getSequence));
        List<Problem> problems = new ArrayList<>();
        long expected = 1;
        String previousHash = null;
        for (AgentEvent event : ordered) {
            long sequence = event.getSequence();
            if (sequence < expected) {
                problems.add(new Problem(sequence, "a second event with this position (" + event.getEventId() + ")"));
                continue;
            }
            if (sequence > expected) {
                problems.add(new Problem(expected, sequence - expected == 1 ? "event missing"
                        : (sequence - expected) + " events missing (positions " + expected + " to " + (sequence - 1) + ")"));
                previousHash = event.getPreviousHash(); // check the rest of the chain from here
            }
            if (!Objects.equals(event.getPreviousHash(), previousHash)) {
                problems.add(new Problem(sequence, "previous_hash does not match the hash of the event before it ("
                        + event.getEventId() + ")"));
            }
            if (!ChainHash.of(event, sequence, event.getPreviousHash()).equals(event.getHash())) {
                problems.add(new Problem(sequence, "altered: its content no longer matches its hash (" + event.getEventId() + ")"));
            }
            previousHash = event.getHash();
            expected = sequence + 1;
        }
        return problems;
    }
}
