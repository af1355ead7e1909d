package dev.agenttelemetry.enricher.chain;

import dev.agenttelemetry.avro.AgentEvent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that chains a session's events: SHA-256 over the event's id, receive time, session, sequence,
 * hook event, tool, masked payload and the previous event's hash, each length-prefixed so no two
 * different events serialize alike. Anyone holding the events topic can recompute it to find an altered
 * event (its hash no longer matches) or a deleted one (the next event's previous_hash points nowhere).
 */
public final class ChainHash {
    private ChainHash() {
    }

    public static String of(AgentEvent event, long sequence, String previousHash) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        for (String part : new String[]{event.getEventId(), Long.toString(event.getReceivedAt().toEpochMilli()), event.getSessionId(),
                Long.toString(sequence), event.getHookEventName(), event.getToolName(), event.getPayload(), previousHash}) {
            byte[] bytes = part == null ? new byte[0] : part.getBytes(StandardCharsets.UTF_8);
            sha256.update(new byte[]{(byte) (part == null ? 0 : 1)});
            sha256.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha256.update(bytes);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
