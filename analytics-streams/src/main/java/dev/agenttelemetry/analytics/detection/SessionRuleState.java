package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.state.OpenAlertState;
import dev.agenttelemetry.avro.state.RuleMatches;
import dev.agenttelemetry.avro.state.RuleState;
import dev.agenttelemetry.avro.state.ToolCallBucket;
import dev.agenttelemetry.avro.state.Violation;
import dev.agenttelemetry.schemas.serde.StateEncoding;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the rules remember about one session: tool calls per 10-second bucket (high frequency), recent
 * matches of threshold rules, its latest violations (repeated violations), and each rule's open alert with
 * how much of it has been reported (suppression). Kept in a changelogged store keyed by session id and
 * written on every event, so its size is bounded whatever the session's pace. The stored form starts with
 * the time the {@link SuppressionSweeper} next has work with it, so a sweep skips the others undecoded.
 */
public final class SessionRuleState {
    String userId;
    long lastEventMillis;
    int peakToolCalls;
    static final long BUCKET_MILLIS = 10_000;
    static final int MAX_VIOLATIONS = 64;
    /** {bucket index (time / BUCKET_MILLIS), tool calls in it}, oldest first. */
    final Deque<long[]> toolCallBuckets = new ArrayDeque<>();
    final Map<String, Deque<Long>> matches = new TreeMap<>();
    /** Violation times and severities (ordinal), oldest first. */
    final Deque<long[]> violations = new ArrayDeque<>();
    final Map<String, OpenAlert> open = new TreeMap<>();

    /**
     * An alert still inside its suppression window; {@code reported} is the count last emitted. Most events of a
     * session leave its open alerts alone, so each stays in its stored form until a rule touches it.
     */
    static final class OpenAlert {
        final long firstSeenMillis;
        int reported;
        private byte[] stored;
        private SecurityAlert alert;

        OpenAlert(SecurityAlert alert, int reported) {
            this.alert = alert;
            this.firstSeenMillis = alert.getFirstSeen().toEpochMilli();
            this.reported = reported;
        }

        private OpenAlert(byte[] stored, long firstSeenMillis, int reported) {
            this.stored = stored;
            this.firstSeenMillis = firstSeenMillis;
            this.reported = reported;
        }

        /** The alert, decoded on first use; changes to it are stored with the state. */
        SecurityAlert alert() {
            if (alert == null) {
                alert = decode(stored);
                stored = null;
            }
            return alert;
        }

        private ByteBuffer encoded() throws IOException {
            return alert == null ? ByteBuffer.wrap(stored) : alert.toByteBuffer();
        }
    }

    private static SecurityAlert decode(byte[] alert) {
        try {
            return SecurityAlert.fromByteBuffer(ByteBuffer.wrap(alert));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean hasOpenAlerts() {
        return !open.isEmpty();
    }

    public long lastEventMillis() {
        return lastEventMillis;
    }

    public int peakToolCalls() {
        return peakToolCalls;
    }

    public String userId() {
        return userId;
    }

    /** Formats of the hand-laid binary form stores held before they used Avro; still read, rewritten in Avro on the next update. */
    private static final int LEGACY_FORMAT = 4;
    /** Format 3 did not store open alerts' first-seen times apart from the alerts. */
    private static final int LEGACY_FORMAT_WITHOUT_FIRST_SEEN = 3;
    /** Format 2 had no sweep time either: such a state is looked at by the next sweep, which rewrites it. */
    private static final int LEGACY_FORMAT_WITHOUT_SWEEP_TIME = 2;

    /**
     * The stored form: a {@link RuleState} in Avro ({@link StateEncoding}).
     *
     * @param sweepAtMillis when the sweeper next has work with this state (see {@link RuleEngine#nextSweepMillis})
     */
    public byte[] toBytes(long sweepAtMillis) {
        List<ToolCallBucket> buckets = new ArrayList<>(toolCallBuckets.size());
        toolCallBuckets.forEach(bucket -> buckets.add(new ToolCallBucket(bucket[0], (int) bucket[1])));
        List<RuleMatches> ruleMatches = new ArrayList<>(matches.size());
        matches.forEach((rule, times) -> ruleMatches.add(new RuleMatches(rule, new ArrayList<>(times))));
        List<Violation> latest = new ArrayList<>(violations.size());
        violations.forEach(violation -> latest.add(new Violation(violation[0], (int) violation[1])));
        List<OpenAlertState> alerts = new ArrayList<>(open.size());
        try {
            for (Map.Entry<String, OpenAlert> entry : open.entrySet()) {
                alerts.add(new OpenAlertState(entry.getKey(), entry.getValue().reported, entry.getValue().firstSeenMillis, entry.getValue().encoded()));
            }
            return StateEncoding.bytes(new RuleState(sweepAtMillis, userId, lastEventMillis, peakToolCalls, buckets, ruleMatches, latest, alerts)
                    .toByteBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sweep time a stored state was written with, read without decoding the rest. */
    public static long sweepAtMillis(byte[] data) {
        if (StateEncoding.isAvro(data)) {
            return StateEncoding.firstLong(data);
        }
        return data[0] == LEGACY_FORMAT || data[0] == LEGACY_FORMAT_WITHOUT_FIRST_SEEN ? ByteBuffer.wrap(data, 1, Long.BYTES).getLong() : Long.MIN_VALUE;
    }

    public static SessionRuleState fromBytes(byte[] data) {
        if (!StateEncoding.isAvro(data)) {
            return fromLegacyBytes(data);
        }
        RuleState stored;
        try {
            stored = RuleState.fromByteBuffer(ByteBuffer.wrap(data));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable session rule state", e);
        }
        SessionRuleState state = new SessionRuleState();
        state.userId = stored.getUserId();
        state.lastEventMillis = stored.getLastEventMillis();
        state.peakToolCalls = stored.getPeakToolCalls();
        stored.getToolCallBuckets().forEach(bucket -> state.toolCallBuckets.add(new long[]{bucket.getBucket(), bucket.getToolCalls()}));
        stored.getMatches().forEach(match -> state.matches.put(match.getRuleId(), new ArrayDeque<>(match.getTimesMillis())));
        stored.getViolations().forEach(violation -> state.violations.add(new long[]{violation.getAtMillis(), violation.getSeverity()}));
        stored.getOpenAlerts().forEach(alert -> state.open.put(alert.getRuleId(),
                new OpenAlert(StateEncoding.bytes(alert.getAlert()), alert.getFirstSeenMillis(), alert.getReported())));
        return state;
    }

    private static SessionRuleState fromLegacyBytes(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        int version = in.get();
        if (version == LEGACY_FORMAT || version == LEGACY_FORMAT_WITHOUT_FIRST_SEEN) {
            in.getLong(); // the sweep time
        } else if (version != LEGACY_FORMAT_WITHOUT_SWEEP_TIME) {
            throw new IllegalStateException("unknown session rule state format " + version);
        }
        SessionRuleState state = new SessionRuleState();
        String user = readUTF(in);
        state.userId = user.isEmpty() ? null : user;
        state.lastEventMillis = in.getLong();
        state.peakToolCalls = in.getInt();
        for (int i = in.getInt(); i > 0; i--) {
            state.toolCallBuckets.add(new long[]{in.getLong(), in.getInt()});
        }
        for (int i = in.getInt(); i > 0; i--) {
            Deque<Long> times = new ArrayDeque<>();
            String rule = readUTF(in);
            for (int j = in.getInt(); j > 0; j--) {
                times.add(in.getLong());
            }
            state.matches.put(rule, times);
        }
        for (int i = in.getInt(); i > 0; i--) {
            state.violations.add(new long[]{in.getLong(), in.get()});
        }
        for (int i = in.getInt(); i > 0; i--) {
            String rule = readUTF(in);
            int reported = in.getInt();
            long firstSeenMillis = version == LEGACY_FORMAT ? in.getLong() : Long.MIN_VALUE;
            byte[] alert = new byte[in.getInt()];
            in.get(alert);
            state.open.put(rule, version == LEGACY_FORMAT ? new OpenAlert(alert, firstSeenMillis, reported) : new OpenAlert(decode(alert), reported));
        }
        return state;
    }

    /** A string as {@link java.io.DataOutputStream#writeUTF} writes it, in the legacy form. */
    private static String readUTF(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        int start = in.position();
        in.position(start + length);
        for (int i = start; i < start + length; i++) {
            if (in.get(i) <= 0) { // beyond ASCII (or the two-byte zero): modified UTF-8
                try {
                    return new DataInputStream(new ByteArrayInputStream(in.array(), start - 2, length + 2)).readUTF();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return new String(in.array(), start, length, StandardCharsets.ISO_8859_1);
    }
}
