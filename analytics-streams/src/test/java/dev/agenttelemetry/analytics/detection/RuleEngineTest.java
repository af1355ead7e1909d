package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.analytics.Events;
import dev.agenttelemetry.analytics.rules.RuleBook;
import dev.agenttelemetry.analytics.rules.Violation;
import dev.agenttelemetry.avro.SecurityAlert;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import static dev.agenttelemetry.analytics.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

class RuleEngineTest {
    private static final Function<String, UserBaseline> NO_BASELINE = user -> UserBaseline.empty();

    private static RuleEngine engine(String yaml) throws Exception {
        return new RuleEngine(RuleBook.parse("test", yaml));
    }

    private static List<String> fired(RuleEngine engine, SessionRuleState state, Instant at, String command, Function<String, UserBaseline> baselines) {
        return engine.onEvent(Events.bash("e-" + at.toEpochMilli(), at, command), state, baselines).violations().stream()
                .map(Violation::evidence).toList();
    }

    @Test
    void aThresholdRuleFiresOnlyWhenEnoughMatchesFallWithinItsWindow() throws Exception {
        RuleEngine engine = engine("""
                rules:
                  - id: many_installs
                    title: Many package installs
                    severity: medium
                    threshold: 3
                    window: 1m
                    match:
                      - command: {program: [npm], subcommand: [install]}
                """);
        SessionRuleState state = new SessionRuleState();
        assertThat(fired(engine, state, T0, "npm install a", NO_BASELINE)).isEmpty();
        assertThat(fired(engine, state, T0.plusSeconds(30), "npm install b", NO_BASELINE)).isEmpty();
        assertThat(fired(engine, state, T0.plusSeconds(61), "npm install c", NO_BASELINE)).isEmpty(); // the first fell out of the window
        assertThat(fired(engine, state, T0.plusSeconds(62), "npm install d", NO_BASELINE)).containsExactly("npm install d");
        assertThat(fired(engine, state, T0.plusSeconds(63), "npm install e", NO_BASELINE)).isEmpty(); // counting starts again
    }

    @Test
    void highFrequencyUsesTheUsersOwnNormOnceThereIsEnoughHistory() throws Exception {
        RuleEngine engine = engine("""
                rules:
                  - id: high_frequency
                    kind: high_frequency
                    title: Fast
                    severity: medium
                    threshold: 150
                    window: 5m
                    baseline: {factor: 3, min_sessions: 5, floor: 60}
                """);
        UserBaseline calmUser = new UserBaseline(List.of(20, 22, 25, 18, 30));
        SessionRuleState state = new SessionRuleState();
        List<String> evidence = List.of();
        for (int i = 0; i <= 66 && evidence.isEmpty(); i++) {
            evidence = fired(engine, state, T0.plusSeconds(i), "ls", user -> calmUser);
        }
        // 3 x median 22 = 66: the 67th call in five minutes is far above this user's norm
        assertThat(evidence).containsExactly("67 tool calls within 5 min (limit 66, this user's norm)");
        assertThat(state.peakToolCalls()).isEqualTo(67);

        SessionRuleState newUser = new SessionRuleState();
        for (int i = 0; i < 100; i++) {
            assertThat(fired(engine, newUser, T0.plusSeconds(i), "ls", user -> new UserBaseline(List.of(20, 22)))).isEmpty();
        }
    }

    @Test
    void userIdsBeyondAsciiAreStoredAndReadBackAlsoFromTheLegacyForm() throws Exception {
        RuleEngine engine = new RuleEngine(RuleBook.defaults());
        SessionRuleState state = new SessionRuleState();
        String user = "jürgen-Ω-\u0000-😀";
        engine.onEvent(Events.base("e1", T0).setUserId(user).setEventType(dev.agenttelemetry.avro.EventType.command_execution)
                .setToolName("Bash").setCommand("sudo ls").build(), state, NO_BASELINE);
        byte[] stored = state.toBytes(0);

        SessionRuleState copy = SessionRuleState.fromBytes(stored);
        assertThat(copy.userId()).isEqualTo(user);
        assertThat(copy.hasOpenAlerts()).isTrue();
        assertThat(copy.toBytes(0)).isEqualTo(stored);
        // the same state as the hand-laid binary form stored it (modified UTF-8 user id) reads the same
        assertThat(SessionRuleState.fromBytes(legacy("rule-state-format4-non-ascii-user.hex")).toBytes(0)).isEqualTo(stored);
    }

    @Test
    void stateSurvivesTheStoreRoundTripIncludingOpenAlerts() throws Exception {
        RuleEngine engine = new RuleEngine(RuleBook.defaults());
        SessionRuleState state = new SessionRuleState();
        List<SecurityAlert> raised = engine.onEvent(Events.bash("e1", T0, "sudo ls"), state, NO_BASELINE).alerts();
        engine.onEvent(Events.bash("e2", T0.plusSeconds(5), "sudo ls"), state, NO_BASELINE);

        byte[] stored = state.toBytes(engine.nextSweepMillis(state));
        assertThat(stored[0]).as("Avro's single-object marker").isEqualTo((byte) 0xC3);
        // the sweep has nothing to do before the 10-minute suppression window of the first alert ends
        assertThat(SessionRuleState.sweepAtMillis(stored)).isEqualTo(T0.plusSeconds(600).toEpochMilli());
        assertThat(SessionRuleState.fromBytes(stored).toBytes(engine.nextSweepMillis(state))).isEqualTo(stored);
        // states stored in the hand-laid binary form before are still read: format 4 (this state) ...
        byte[] format4 = legacy("rule-state-format4.hex");
        assertThat(SessionRuleState.sweepAtMillis(format4)).isEqualTo(SessionRuleState.sweepAtMillis(stored));
        assertThat(SessionRuleState.fromBytes(format4).toBytes(engine.nextSweepMillis(state))).isEqualTo(stored);
        // ... format 3, without a separate first-seen time per open alert (the one open alert is last: rule, reported
        // count, first seen, then the alert's length and bytes) ...
        int firstSeenAt = format4.length - Long.BYTES - Integer.BYTES;
        while (!(ByteBuffer.wrap(format4, firstSeenAt, Long.BYTES).getLong() == T0.toEpochMilli()
                && ByteBuffer.wrap(format4, firstSeenAt + Long.BYTES, Integer.BYTES).getInt() == format4.length - firstSeenAt - Long.BYTES - Integer.BYTES)) {
            firstSeenAt--;
        }
        byte[] format3 = new byte[format4.length - Long.BYTES];
        System.arraycopy(format4, 0, format3, 0, firstSeenAt);
        System.arraycopy(format4, firstSeenAt + Long.BYTES, format3, firstSeenAt, format4.length - firstSeenAt - Long.BYTES);
        format3[0] = 3;
        assertThat(SessionRuleState.sweepAtMillis(format3)).isEqualTo(SessionRuleState.sweepAtMillis(stored));
        assertThat(SessionRuleState.fromBytes(format3).toBytes(engine.nextSweepMillis(state))).isEqualTo(stored);
        // ... and format 2, without a sweep time either: such a state is due at once
        byte[] format2 = new byte[format3.length - Long.BYTES];
        format2[0] = 2;
        System.arraycopy(format3, 1 + Long.BYTES, format2, 1, format3.length - 1 - Long.BYTES);
        assertThat(SessionRuleState.sweepAtMillis(format2)).isEqualTo(Long.MIN_VALUE);
        assertThat(SessionRuleState.fromBytes(format2).toBytes(engine.nextSweepMillis(state))).isEqualTo(stored);

        SessionRuleState copy = SessionRuleState.fromBytes(stored);
        assertThat(copy.userId()).isEqualTo("u1");
        assertThat(copy.peakToolCalls()).isEqualTo(2);
        List<SecurityAlert> closing = engine.expire(copy, T0.plusSeconds(601));
        assertThat(closing).singleElement().satisfies(alert -> {
            assertThat(alert.getAlertId()).isEqualTo(raised.get(0).getAlertId());
            assertThat(alert.getCount()).isEqualTo(2);
        });
        assertThat(copy.hasOpenAlerts()).isFalse();
        assertThat(engine.isStale(copy, T0.plusSeconds(601))).isFalse();
        // with nothing open, the next sweep time is when it turns stale: 30 minutes after its last event
        long staleAt = engine.nextSweepMillis(copy);
        assertThat(staleAt).isEqualTo(T0.plusSeconds(5 + 30 * 60).toEpochMilli() + 1);
        assertThat(engine.isStale(copy, java.time.Instant.ofEpochMilli(staleAt - 1))).isFalse();
        assertThat(engine.isStale(copy, java.time.Instant.ofEpochMilli(staleAt))).isTrue();
    }

    @Test
    void baselinesKeepTheLatestPeaksAndTheirMedian() {
        UserBaseline baseline = UserBaseline.empty();
        for (int peak = 1; peak <= 25; peak++) {
            baseline = baseline.with(peak);
        }
        assertThat(baseline.peaks()).hasSize(20).startsWith(6).endsWith(25);
        assertThat(UserBaseline.fromBytes(baseline.toBytes())).isEqualTo(baseline);
        ByteBuffer legacy = ByteBuffer.allocate(4 + 4 * 20).putInt(20);
        baseline.peaks().forEach(legacy::putInt);
        assertThat(UserBaseline.fromBytes(legacy.array())).as("the big-endian form stored before").isEqualTo(baseline);
        assertThat(baseline.medianPeak()).isEqualTo(15.5);
    }

    /** A state as the hand-laid binary form stored it, written by that form's code from the events of the test that reads it. */
    private static byte[] legacy(String name) throws java.io.IOException {
        try (java.io.InputStream in = RuleEngineTest.class.getResourceAsStream("/legacy-state/" + name)) {
            return java.util.HexFormat.of().parseHex(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
    }
}
