package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.SecurityAlert;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
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

    private static final int FORMAT = 4;
    /** Format 3 did not store open alerts' first-seen times apart from the alerts. */
    private static final int FORMAT_WITHOUT_FIRST_SEEN = 3;
    /** Format 2 had no sweep time either: such a state is looked at by the next sweep, which rewrites it. */
    private static final int FORMAT_WITHOUT_SWEEP_TIME = 2;

    /** @param sweepAtMillis when the sweeper next has work with this state (see {@link RuleEngine#nextSweepMillis}) */
    public byte[] toBytes(long sweepAtMillis) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeLong(sweepAtMillis);
            out.writeUTF(userId == null ? "" : userId);
            out.writeLong(lastEventMillis);
            out.writeInt(peakToolCalls);
            out.writeInt(toolCallBuckets.size());
            for (long[] bucket : toolCallBuckets) {
                out.writeLong(bucket[0]);
                out.writeInt((int) bucket[1]);
            }
            out.writeInt(matches.size());
            for (Map.Entry<String, Deque<Long>> entry : matches.entrySet()) {
                out.writeUTF(entry.getKey());
                writeTimes(out, entry.getValue());
            }
            out.writeInt(violations.size());
            for (long[] violation : violations) {
                out.writeLong(violation[0]);
                out.writeByte((int) violation[1]);
            }
            out.writeInt(open.size());
            for (Map.Entry<String, OpenAlert> entry : open.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeInt(entry.getValue().reported);
                out.writeLong(entry.getValue().firstSeenMillis);
                ByteBuffer alert = entry.getValue().encoded();
                out.writeInt(alert.remaining());
                out.write(alert.array(), alert.arrayOffset() + alert.position(), alert.remaining());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sweep time a stored state was written with, read without decoding the rest. */
    public static long sweepAtMillis(byte[] data) {
        return data[0] == FORMAT || data[0] == FORMAT_WITHOUT_FIRST_SEEN ? ByteBuffer.wrap(data, 1, Long.BYTES).getLong() : Long.MIN_VALUE;
    }

    public static SessionRuleState fromBytes(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int version = in.readByte();
            if (version == FORMAT || version == FORMAT_WITHOUT_FIRST_SEEN) {
                in.readLong(); // the sweep time
            } else if (version != FORMAT_WITHOUT_SWEEP_TIME) {
                throw new IllegalStateException("unknown session rule state format " + version);
            }
            SessionRuleState state = new SessionRuleState();
            String user = in.readUTF();
            state.userId = user.isEmpty() ? null : user;
            state.lastEventMillis = in.readLong();
            state.peakToolCalls = in.readInt();
            for (int i = in.readInt(); i > 0; i--) {
                state.toolCallBuckets.add(new long[]{in.readLong(), in.readInt()});
            }
            for (int i = in.readInt(); i > 0; i--) {
                Deque<Long> times = new ArrayDeque<>();
                String rule = in.readUTF();
                readTimes(in, times);
                state.matches.put(rule, times);
            }
            for (int i = in.readInt(); i > 0; i--) {
                state.violations.add(new long[]{in.readLong(), in.readByte()});
            }
            for (int i = in.readInt(); i > 0; i--) {
                String rule = in.readUTF();
                int reported = in.readInt();
                long firstSeenMillis = version == FORMAT ? in.readLong() : Long.MIN_VALUE;
                byte[] alert = new byte[in.readInt()];
                in.readFully(alert);
                state.open.put(rule, version == FORMAT ? new OpenAlert(alert, firstSeenMillis, reported) : new OpenAlert(decode(alert), reported));
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeTimes(DataOutputStream out, Deque<Long> times) throws IOException {
        out.writeInt(times.size());
        for (long time : times) {
            out.writeLong(time);
        }
    }

    private static void readTimes(DataInputStream in, Deque<Long> times) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            times.add(in.readLong());
        }
    }
}
