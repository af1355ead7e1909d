package dev.agenttelemetry.analytics.risk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

    byte[] toBytes() {
        int size = 4;
        for (Map.Entry<String, double[]> entry : sessions.entrySet()) {
            size += 4 + entry.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 8 * entry.getValue().length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(sessions.size());
        sessions.forEach((session, values) -> {
            byte[] id = session.getBytes(StandardCharsets.UTF_8);
            buffer.putInt(id.length).put(id).putInt(values.length);
            for (double value : values) {
                buffer.putDouble(value);
            }
        });
        return buffer.array();
    }

    static UserHistory fromBytes(byte[] data) {
        UserHistory history = new UserHistory();
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
