package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.SecurityAlert;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
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
            Writer out = new Writer();
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
                out.writeInt(entry.getValue().size());
                for (long time : entry.getValue()) {
                    out.writeLong(time);
                }
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
                out.write(alert);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sweep time a stored state was written with, read without decoding the rest. */
    public static long sweepAtMillis(byte[] data) {
        return data[0] == FORMAT || data[0] == FORMAT_WITHOUT_FIRST_SEEN ? ByteBuffer.wrap(data, 1, Long.BYTES).getLong() : Long.MIN_VALUE;
    }

    public static SessionRuleState fromBytes(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        int version = in.get();
        if (version == FORMAT || version == FORMAT_WITHOUT_FIRST_SEEN) {
            in.getLong(); // the sweep time
        } else if (version != FORMAT_WITHOUT_SWEEP_TIME) {
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
            long firstSeenMillis = version == FORMAT ? in.getLong() : Long.MIN_VALUE;
            byte[] alert = new byte[in.getInt()];
            in.get(alert);
            state.open.put(rule, version == FORMAT ? new OpenAlert(alert, firstSeenMillis, reported) : new OpenAlert(decode(alert), reported));
        }
        return state;
    }

    /** A string as {@link DataOutputStream#writeUTF} writes it (the stored format predates these buffers). */
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

    /** Big-endian fields in a growing array, laid out as {@link DataOutputStream} lays them out, without its locks. */
    private static final class Writer {
        private ByteBuffer buffer = ByteBuffer.allocate(256);

        private ByteBuffer room(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
                buffer = larger.put(buffer.flip());
            }
            return buffer;
        }

        void writeByte(int value) {
            room(1).put((byte) value);
        }

        void writeInt(int value) {
            room(Integer.BYTES).putInt(value);
        }

        void writeLong(long value) {
            room(Long.BYTES).putLong(value);
        }

        void write(ByteBuffer bytes) {
            room(bytes.remaining()).put(bytes);
        }

        void writeUTF(String value) throws IOException {
            if (value.length() <= 0xFFFF && value.chars().allMatch(c -> c > 0 && c < 0x80)) { // ASCII: one byte a character in modified UTF-8 too
                room(2 + value.length()).putShort((short) value.length()).put(value.getBytes(StandardCharsets.US_ASCII));
                return;
            }
            ByteArrayOutputStream modifiedUtf8 = new ByteArrayOutputStream(value.length() + 2);
            new DataOutputStream(modifiedUtf8).writeUTF(value);
            write(ByteBuffer.wrap(modifiedUtf8.toByteArray()));
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }
}
