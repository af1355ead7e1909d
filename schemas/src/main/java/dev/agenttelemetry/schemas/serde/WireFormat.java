package dev.agenttelemetry.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian),
 * then the plain Avro binary encoding of the value. Any Confluent-compatible consumer reads it.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id of a framed value; throws when the bytes are not in the wire format. */
    public static int schemaId(byte[] framed) {
        if (framed.length < HEADER_SIZE) {
            throw new SerializationException("value of " + framed.length + " bytes is too short for the Confluent wire format (needs at least 5)");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new SerializationException("unknown magic byte " + framed[0] + " (expected 0): not a Confluent wire-format value");
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }
}
