package dev.agenttelemetry.analytics.risk;

import dev.agenttelemetry.schemas.serde.StateEncoding;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A user's session history in its store: Avro, in order; the binary form stored before still reads. */
class UserHistoryTest {
    @Test
    void keepsTheSessionsInOrderThroughTheStore() {
        UserHistory history = new UserHistory();
        history.put("s-old", new SessionFeatures(new double[]{1, 2.5}));
        history.put("s-new", new SessionFeatures(new double[]{0, 7}));

        byte[] stored = history.toBytes();
        UserHistory read = UserHistory.fromBytes(stored);

        assertThat(StateEncoding.isAvro(stored)).isTrue();
        assertThat(read.sessions.keySet()).containsExactly("s-old", "s-new");
        assertThat(read.sessions.get("s-old")).containsExactly(1, 2.5);
        assertThat(read.others("s-new")).singleElement().satisfies(values -> assertThat(values).containsExactly(1, 2.5));
    }

    @Test
    void readsTheBinaryFormOfEarlierStores() {
        byte[] id = "s1".getBytes(StandardCharsets.UTF_8);
        byte[] legacy = ByteBuffer.allocate(4 + 4 + id.length + 4 + 16).putInt(1).putInt(id.length).put(id).putInt(2).putDouble(3).putDouble(4.5).array();

        assertThat(UserHistory.fromBytes(legacy).sessions.get("s1")).containsExactly(3, 4.5);
    }
}
