package dev.agenttelemetry.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which half of a corpus a source (a secret rule's family, a repository, an ATT&CK technique) falls in. Rules are
 * shaped on the tuning half only; the held-out half's figures are the ones that say how they do on data not seen.
 * The split is a checksum of the source's name, so it never moves and needs no list.
 */
enum Half {
    TUNING("tuning"),
    HELD_OUT("held-out");

    final String label;

    Half(String label) {
        this.label = label;
    }

    static Half of(String source) {
        CRC32 crc = new CRC32();
        crc.update(source.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 2 == 0 ? TUNING : HELD_OUT;
    }
}
