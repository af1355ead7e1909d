package dev.agenttelemetry.analytics.detection;

import dev.agenttelemetry.avro.state.UserBaselineState;
import dev.agenttelemetry.schemas.serde.StateEncoding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A user's recent session peaks (most tool calls within the high-frequency window), newest last. */
public record UserBaseline(List<Integer> peaks) {
    static final int KEPT = 20;

    public UserBaseline {
        peaks = List.copyOf(peaks);
    }

    public static UserBaseline empty() {
        return new UserBaseline(List.of());
    }

    public UserBaseline with(int peak) {
        List<Integer> next = new ArrayList<>(peaks);
        next.add(peak);
        return new UserBaseline(next.size() > KEPT ? next.subList(next.size() - KEPT, next.size()) : next);
    }

    public double medianPeak() {
        List<Integer> sorted = peaks.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** Avro ({@link StateEncoding}); earlier stores held a count and the peaks as big-endian ints, still read. */
    public byte[] toBytes() {
        try {
            return StateEncoding.bytes(new UserBaselineState(peaks).toByteBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static UserBaseline fromBytes(byte[] data) {
        if (StateEncoding.isAvro(data)) {
            try {
                return new UserBaseline(UserBaselineState.fromByteBuffer(ByteBuffer.wrap(data)).getPeaks());
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable user baseline", e);
            }
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        List<Integer> peaks = new ArrayList<>();
        for (int i = buffer.getInt(); i > 0; i--) {
            peaks.add(buffer.getInt());
        }
        return new UserBaseline(peaks);
    }
}
