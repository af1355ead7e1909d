package dev.agenttelemetry.launcher.sessions;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.enricher.chain.ChainHash;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChainCheckTest {
    /** A correctly chained session of {@code n} events, as the enricher writes it. */
    static List<AgentEvent> chain(String session, int n) {
        List<AgentEvent> events = new ArrayList<>();
        String previous = null;
        for (int i = 1; i <= n; i++) {
            AgentEvent event = AgentEvent.newBuilder().setEventId(session + "-e" + i).setReceivedAt(Instant.parse("2026-11-23T10:00:00Z").plusSeconds(i))
                    .setSessionId(session).setHookEventName("PreToolUse").setEventType(EventType.command_execution).setToolName("Bash")
                    .setCommand("echo " + i).setPayload("{\"n\":" + i + "}").setSequence(i).setPreviousHash(previous).setHash("").build();
            event.setHash(ChainHash.of(event, i, previous));
            previous = event.getHash();
            events.add(event);
        }
        return events;
    }

    @Test
    void anIntactChainHasNoProblems() {
        assertThat(ChainCheck.check(chain("s", 5))).isEmpty();
    }

    @Test
    void reportsAlteredMissingAndRepeatedEventsWithTheirPositions() {
        List<AgentEvent> events = chain("s", 8);
        events.get(1).setPayload("{\"n\":\"changed\"}"); // position 2 altered
        events.remove(4); // position 5 deleted
        events.add(AgentEvent.newBuilder(events.get(6)).setEventId("dup").build()); // position 8 twice
        assertThat(ChainCheck.check(events)).extracting(ChainCheck.Problem::position, ChainCheck.Problem::what)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2L, "altered: its content no longer matches its hash (s-e2)"),
                        org.assertj.core.groups.Tuple.tuple(5L, "event missing"),
                        org.assertj.core.groups.Tuple.tuple(8L, "a second event with this position (dup)"));
    }

    @Test
    void aMissingStartIsReported() {
        List<AgentEvent> events = chain("s", 4);
        events.remove(0);
        assertThat(ChainCheck.check(events)).extracting(ChainCheck.Problem::position).containsExactly(1L);
    }
}
