package dev.agenttelemetry.enricher.chain;

import dev.agenttelemetry.avro.state.ChainState;
import dev.agenttelemetry.schemas.serde.StateEncoding;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain store's values: Avro, and the text form stores held before still read. */
class SessionChainerTest {
    @Test
    void storesEachLinkInAvroAndReadsItBack() {
        ChainState link = new ChainState(42L, "9f86d081884c7d65", 1_764_583_200_000L);

        byte[] stored = SessionChainer.write(link);

        assertThat(StateEncoding.isAvro(stored)).isTrue();
        assertThat(StateEncoding.firstLong(stored)).isEqualTo(42L);
        assertThat(SessionChainer.read(stored)).isEqualTo(link);
    }

    @Test
    void readsTheTextFormOfEarlierStores() {
        byte[] legacy = "7 ab12cd34 1764583200000".getBytes(StandardCharsets.UTF_8);

        assertThat(SessionChainer.read(legacy)).isEqualTo(new ChainState(7L, "ab12cd34", 1_764_583_200_000L));
    }
}
