package dev.agenttelemetry.analytics.risk;

import dev.agenttelemetry.avro.state.SessionFeaturesState;
import dev.agenttelemetry.avro.state.UserHistoryState;
import dev.agenttelemetry.schemas.serde.StateEncoding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A user's most recent sessions' features (at most {@value #KEPT}), least recently updated first. */
final class UserHistory {
    static final int KEPT = 50;
    final LinkedHashMap<String, double[]> sessions = new LinkedHashMap<>();

    void put(String sessionId, SessionFeatures features) {
        sessions.remove(sessionId);
        sessions.put(sessionId, features.values());
        while (sessions.size() > KEPT) {
            sessions.remove(sessions.keySet().iterator().next());
        }
    }

    List<double[]> others(String sessionId) {
        return sessions.entrySet().stream().filter(e -> !e.getKey().equals(sessionId)).map(Map.Entry::getValue).toList();
    }

    /** Avro ({@link StateEncoding}); earlier stores held a hand-laid binary form, still read. */
    byte[] toBytes() {
        List<SessionFeaturesState> kept = new ArrayList<>(sessions.size());
        sessions.forEach((session, values) -> kept.add(new SessionFeaturesState(session, Arrays.stream(values).boxed().toList())));
        try {
            return StateEncoding.bytes(new UserHistoryState(kept).toByteBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static UserHistory fromBytes(byte[] data) {
        UserHistory history = new UserHistory();
        if (StateEncoding.isAvro(data)) {
            try {
                for (SessionFeaturesState session : UserHistoryState.fromByteBuffer(ByteBuffer.wrap(data)).getSessions()) {
                    history.sessions.put(session.getSessionId(), session.getFeatures().stream().mapToDouble(Double::doubleValue).toArray());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable user history", e);
            }
            return history;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        for (int n = buffer.getInt(); n > 0; n--) {
            byte[] id = new byte[buffer.getInt()];
            buffer.get(id);
            double[] values = new double[buffer.getInt()];
            for (int i = 0; i < values.length; i++) {
                values[i] = buffer.getDouble();
            }
            history.sessions.put(new String(id, StandardCharsets.UTF_8), values);
        }
        return history;
    }
}
